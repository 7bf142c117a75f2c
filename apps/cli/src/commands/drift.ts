// `keel drift`: compares a current CSV window with a reference CSV and prints one JSON drift report.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { csvColumns, detectDrift, parseCsv, DriftReport } from '@keel/ml';
import { DriftCliOptions, collect, parseOverrides, parsePositiveInt, selectColumns } from './drift-options';

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description(
      'compare a current CSV window with a reference CSV; prints per-column drift and the dataset verdict as JSON',
    )
    // Checked in the action rather than as required options, which commander would also demand of
    // the `drift report` sub-command.
    .option('--reference <file>', 'reference CSV (e.g. the training data); required')
    .option('--current <file>', 'current CSV window; required')
    .option('--columns <list>', 'comma-separated columns to compare (default: every reference column)')
    .option('--bins <n>', 'bins for numeric Jensen–Shannon and PSI (default 10)')
    .option('--id-column <name>', 'a row-id column to leave out')
    .option(
      '--test <column=test>',
      "override a column's test: ks, wasserstein, jensen_shannon, psi, chi2 or z (repeatable)",
      collect,
      [],
    )
    .option('--threshold <column=value>', "override a column's threshold (repeatable)", collect, [])
    .option('--exact-limit <n>', 'values per column kept exactly before switching to a KLL sketch (default 100000)')
    .action(async (opts: DriftCliOptions, cmd: Command) => {
      for (const flag of ['reference', 'current'] as const)
        if (opts[flag] === undefined) cmd.error(`error: required option '--${flag} <file>' not specified`);
      const report = await runDrift(opts);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}

export async function runDrift(opts: DriftCliOptions): Promise<DriftReport> {
  const bins = parsePositiveInt('bins', opts.bins, 10);
  const exactLimit = parsePositiveInt('exact-limit', opts.exactLimit, 100_000);
  const overrides = parseOverrides(opts.test, opts.threshold);
  const [refText, curText] = await Promise.all([
    readText(opts.reference, 'reference'),
    readText(opts.current, 'current'),
  ]);
  const ref = parseCsv(refText);
  const cur = parseCsv(curText);
  const columns = selectColumns(ref.header, cur.header, opts.columns, opts.idColumn);
  const pick = (all: Map<string, string[]>): Record<string, string[]> =>
    Object.fromEntries(columns.map((c) => [c, all.get(c) ?? []]));
  return detectDrift(pick(csvColumns(ref)), pick(csvColumns(cur)), { columns, bins, overrides, exactLimit });
}

async function readText(path: string, side: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read the ${side} CSV "${path}" (${code})`);
  }
}
