// bench:drift — two windows of 100,000 rows × 20 columns (10 numeric, 10 categorical), every statistic,
// Keel against scipy on the same windows in the same run; then sketch-mode memory from 10^4 to 10^7 rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnDrift, RawValue, ReferenceProfile, compareColumns } from '@keel/ml';
import { makeWindow } from './bench-data';
import { sketchMemory } from './bench-sketch';

const ROWS = Number(process.env['KEEL_BENCH_DRIFT_ROWS'] ?? 100_000);
const REPEATS = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = (name: string, value: number, unit: string): void =>
  console.log(`RESULT ${name} ${Number(value.toPrecision(6))} ${unit}`);

function keelRun(
  ref: Record<string, ArrayLike<RawValue>>,
  cur: Record<string, ArrayLike<RawValue>>,
): Record<string, ColumnDrift> {
  const profile = ReferenceProfile.fromColumns(ref, {
    kinds: Object.fromEntries(Object.keys(ref).map((c) => [c, c.startsWith('num') ? 'numeric' : 'categorical'])),
  });
  return compareColumns(profile, profile.windowFromColumns(cur)).columns;
}

function main(): void {
  if (process.argv.includes('--sketch-memory')) {
    sketchMemory();
    return;
  }
  const ref = makeWindow(ROWS, 1, false);
  const cur = makeWindow(ROWS, 2, true);
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-drift-'));
  try {
    for (const [side, w] of [
      ['ref', ref],
      ['cur', cur],
    ] as const) {
      for (const [c, xs] of Object.entries(w.numeric))
        writeFileSync(join(dir, `${c}.${side}.f64`), Buffer.from(xs.buffer));
      for (const [c, xs] of Object.entries(w.categorical)) writeFileSync(join(dir, `${c}.${side}.txt`), xs.join('\n'));
    }
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({ numeric: Object.keys(ref.numeric), categorical: Object.keys(ref.categorical) }),
    );
    const refCols = { ...ref.numeric, ...ref.categorical };
    const curCols = { ...cur.numeric, ...cur.categorical };
    keelRun(refCols, curCols); // warm-up: JIT
    const keelTimes: number[] = [];
    let columns: Record<string, ColumnDrift> = {};
    for (let i = 0; i < REPEATS; i++) {
      const t0 = process.hrtime.bigint();
      columns = keelRun(refCols, curCols);
      keelTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', [join(__dirname, 'scipy_drift.py'), dir, String(REPEATS)], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as {
      times: number[];
      results: Record<string, Record<string, number>>;
    };
    let maxStatDiff = 0;
    let maxPRel = 0;
    for (const [c, expected] of Object.entries(py.results)) {
      for (const [field, v] of Object.entries(expected)) {
        const got = (columns[c] as unknown as Record<string, number>)[field];
        if (field.endsWith('pvalue')) maxPRel = Math.max(maxPRel, v === 0 ? Math.abs(got) : Math.abs(got - v) / v);
        else maxStatDiff = Math.max(maxStatDiff, Math.abs(got - v) / Math.max(1, Math.abs(v)));
      }
    }
    const keel = median(keelTimes);
    const scipy = median(py.times);
    result('drift_100k_x20_s', keel, 's');
    result('scipy_100k_x20_s', scipy, 's');
    result('drift_vs_scipy_time', keel / scipy, 'ratio');
    result('drift_max_stat_diff_vs_scipy', maxStatDiff, 'abs');
    result('drift_max_pvalue_rel_diff_vs_scipy', maxPRel, 'rel');
    result('drifted_columns_100k', Object.values(columns).filter((c) => c.drift).length, 'columns');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Memory in a fresh process, so the 100k windows above do not blur the growth figure.
  process.stdout.write(
    execFileSync(
      process.execPath,
      ['--expose-gc', '-r', './tools/register-ts.cjs', join(__dirname, 'bench-drift.ts'), '--sketch-memory'],
      { encoding: 'utf8' },
    ),
  );
}

main();
