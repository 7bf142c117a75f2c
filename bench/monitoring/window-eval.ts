// Window evaluation of the monitoring service on 100,000 rows × 20 features (bench/drift's seeded windows):
// the service's window code (apps/monitoring/src/probes/window-probe.ts, run as its own process) fills a
// window row by row and evaluates it at close; scipy computes the same statistics on the same arrays.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWindow } from '../drift/bench-data';

const ROOT = join(__dirname, '../..');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface EvalResult {
  evaluateS: number;
  fillAndEvaluateS: number;
  scipyS: number;
  maxStatDiff: number;
}

export function windowEvaluation(rows: number, repeats = 3): EvalResult {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-monitoring-'));
  try {
    const ref = makeWindow(rows, 1, false);
    const cur = makeWindow(rows, 2, true);
    for (const [side, w] of [['ref', ref] as const, ['cur', cur] as const]) {
      for (const [c, xs] of Object.entries(w.numeric))
        writeFileSync(join(dir, `${c}.${side}.f64`), Buffer.from(xs.buffer));
      for (const [c, xs] of Object.entries(w.categorical)) writeFileSync(join(dir, `${c}.${side}.txt`), xs.join('\n'));
    }
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({ numeric: Object.keys(ref.numeric), categorical: Object.keys(ref.categorical) }),
    );
    const probe = JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-r',
          join(ROOT, 'tools/register-ts.cjs'),
          join(ROOT, 'apps/monitoring/src/probes/window-probe.ts'),
          'eval',
          dir,
          String(repeats),
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      ),
    ) as { fillS: number; evaluateS: number; features: Record<string, Record<string, number>> };
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', [join(__dirname, '../drift/scipy_drift.py'), dir, String(repeats)], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as { times: number[]; results: Record<string, Record<string, number>> };
    let maxStatDiff = 0;
    for (const [c, expected] of Object.entries(py.results))
      for (const [field, v] of Object.entries(expected)) {
        if (field.endsWith('pvalue')) continue;
        maxStatDiff = Math.max(maxStatDiff, Math.abs(probe.features[c]![field]! - v) / Math.max(1, Math.abs(v)));
      }
    return {
      evaluateS: probe.evaluateS,
      fillAndEvaluateS: probe.fillS + probe.evaluateS,
      scipyS: median(py.times),
      maxStatDiff,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
