// `keel drift` as a user runs it: a real process on real CSV files split from the e-commerce churn data.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CsvTable, Random, parseCsv } from '@keel/ml';

const root = resolve(__dirname, '../../../..');
const churnCsv = resolve(root, '../shared/data/ecommerce-customer-churn.csv');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', 'drift', ...args],
      { cwd: root, timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        res({ code, stdout, stderr });
      },
    );
  });
}

function toCsv(t: CsvTable): string {
  const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [t.header, ...t.rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

describe('keel drift on the e-commerce churn data', () => {
  let dir: string;
  let reference: CsvTable;
  let current: CsvTable;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-drift-'));
    const table = parseCsv(await readFile(churnCsv, 'utf8'));
    const order = new Random(2024).shuffle(Array.from({ length: table.rows.length }, (_, i) => i));
    const half = Math.floor(order.length / 2);
    reference = { header: table.header, rows: order.slice(0, half).map((i) => table.rows[i]) };
    current = { header: table.header, rows: order.slice(half).map((i) => table.rows[i]) };
    await writeFile(join(dir, 'reference.csv'), toCsv(reference));
    await writeFile(join(dir, 'current.csv'), toCsv(current));
    // Drifted copy: CashbackAmount up 15%, and half the debit-card payers moved to e-wallets.
    const cash = table.header.indexOf('CashbackAmount');
    const pay = table.header.indexOf('PreferredPaymentMode');
    const coin = new Random(99);
    const drifted = current.rows.map((row) => {
      const r = [...row];
      if (r[cash] !== '') r[cash] = (Number(r[cash]) * 1.15).toFixed(2);
      if (r[pay] === 'Debit Card' && coin.nextFloat() < 0.5) r[pay] = 'E wallet';
      return r;
    });
    await writeFile(join(dir, 'drifted.csv'), toCsv({ header: table.header, rows: drifted }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should flag exactly the shifted numeric and the reshuffled categorical column when one split is altered', async () => {
    const out = await runCli([
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'drifted.csv'),
      '--id-column',
      'CustomerID',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    const flagged = Object.entries(report.columns)
      .filter(([, c]) => (c as { drift: boolean }).drift)
      .map(([name]) => name)
      .sort();
    expect(flagged).toEqual(['CashbackAmount', 'PreferredPaymentMode']);
    expect(Object.keys(report.columns)).toHaveLength(19);
    expect(report.columns.CashbackAmount).toMatchObject({ kind: 'numeric', test: 'wasserstein', threshold: 0.1 });
    expect(report.columns.PreferredPaymentMode).toMatchObject({ kind: 'categorical', test: 'jensen_shannon' });
    expect(report.columns.Tenure.missing_ref).toBeGreaterThan(0);
    expect(report.drifted_columns).toBe(2);
    expect(report.dataset_drift).toBe(false);
  });

  it('should flag no column when the current split is left as it is', async () => {
    const out = await runCli([
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--id-column',
      'CustomerID',
      '--bins',
      '12',
    ]);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.drifted_columns).toBe(0);
    expect(report.drift_share).toBe(0);
    expect(report.dataset_drift).toBe(false);
  });

  it('should apply per-column test and threshold overrides when given on the command line', async () => {
    const out = await runCli([
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--columns',
      'Tenure,Gender',
      '--test',
      'Tenure=ks',
      '--threshold',
      'Tenure=1.01',
      '--test',
      'Gender=chi2',
    ]);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report.columns)).toEqual(['Tenure', 'Gender']);
    expect(report.columns.Tenure).toMatchObject({ test: 'ks', threshold: 1.01, drift: true });
    expect(report.columns.Gender.test).toBe('chi2');
    expect(report.columns.Gender.score).toBe(report.columns.Gender.chi2_pvalue);
  });

  it('should exit 1 with a clear message when a column or file does not exist', async () => {
    const unknown = await runCli([
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--columns',
      'Tenure,Nope',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown column "Nope" (reference), "Nope" (current)');
    const missing = await runCli(['--reference', join(dir, 'absent.csv'), '--current', join(dir, 'current.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the reference CSV');
    const badTest = await runCli([
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--test',
      'Gender=t-test',
    ]);
    expect(badTest.code).toBe(1);
    expect(badTest.stderr).toContain('unknown drift test "t-test"');
  });
});
