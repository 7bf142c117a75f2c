// Window evaluation of the monitoring service on 100,000 rows × 20 features (10 numeric, 10 categorical):
// the window filled row by row through the service's DriftWindow, then evaluateWindow at close, against
// scipy computing the same statistics on the same arrays (bench/drift/scipy_drift.py).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateWindow } from '../../apps/monitoring/src/windows/drift-evaluation';
import { DriftWindow, type ClosedWindow } from '../../apps/monitoring/src/windows/drift-window';
import type { PredictionRows } from '../../apps/monitoring/src/windows/prediction-rows';
import { makeWindow } from '../drift/bench-data';
import { FEATURES, benchProfile, columnsOf } from './synthetic-model';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const settings = { features: {}, driftShare: 0.5, predictionDrift: false };

export interface EvalResult {
  evaluateS: number;
  fillAndEvaluateS: number;
  scipyS: number;
  maxStatDiff: number;
}

export function windowEvaluation(rows: number, repeats = 3): EvalResult {
  const profile = benchProfile(rows);
  const current = makeWindow(rows, 2, true);
  const cols = columnsOf(current);
  const batch: PredictionRows = { rows, inputs: new Map(FEATURES.map((f) => [f, cols[f]!])), positive: null };
  const shape = { windowSize: rows, windowSeconds: 0, sliding: false, slidePanes: 4 };
  const once = (): { fill: number; evaluate: number; closed: ClosedWindow; columns: Record<string, unknown> } => {
    const w = new DriftWindow({ profile, features: FEATURES, shape });
    const t0 = performance.now();
    const [closed] = w.add(batch, Date.now());
    const t1 = performance.now();
    const e = evaluateWindow(profile, closed!, settings, null);
    const t2 = performance.now();
    return { fill: (t1 - t0) / 1000, evaluate: (t2 - t1) / 1000, closed: closed!, columns: e.features };
  };
  once(); // JIT warm-up
  const runs = Array.from({ length: repeats }, once);
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-monitoring-'));
  try {
    const ref = makeWindow(rows, 1, false);
    for (const [side, w] of [['ref', ref] as const, ['cur', current] as const]) {
      for (const [c, xs] of Object.entries(w.numeric))
        writeFileSync(join(dir, `${c}.${side}.f64`), Buffer.from(xs.buffer));
      for (const [c, xs] of Object.entries(w.categorical)) writeFileSync(join(dir, `${c}.${side}.txt`), xs.join('\n'));
    }
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({ numeric: Object.keys(ref.numeric), categorical: Object.keys(ref.categorical) }),
    );
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', [join(__dirname, '../drift/scipy_drift.py'), dir, String(repeats)], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as { times: number[]; results: Record<string, Record<string, number>> };
    let maxStatDiff = 0;
    const columns = runs[0]!.columns as Record<string, Record<string, number>>;
    for (const [c, expected] of Object.entries(py.results))
      for (const [field, v] of Object.entries(expected)) {
        if (field.endsWith('pvalue')) continue;
        maxStatDiff = Math.max(maxStatDiff, Math.abs(columns[c]![field]! - v) / Math.max(1, Math.abs(v)));
      }
    return {
      evaluateS: median(runs.map((r) => r.evaluate)),
      fillAndEvaluateS: median(runs.map((r) => r.fill + r.evaluate)),
      scipyS: median(py.times),
      maxStatDiff,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
