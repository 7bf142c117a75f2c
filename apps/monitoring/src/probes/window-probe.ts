// Measures the service's own window code in a process of its own (bench:monitoring runs it; benches reach
// apps only as processes):
//   window-probe.ts eval <dir> <repeats>  — reference and current columns from <dir> (as bench:drift writes
//     them: <col>.ref.f64 / <col>.cur.txt, spec.json); fills a DriftWindow row by row and evaluates it at
//     close; prints JSON with the median times and every statistic.
//   window-probe.ts memory <rows>          — RSS of one window of 20 features growing to <rows> predictions.
//   window-probe.ts join <cap> <beyond>    — CPU per logged prediction of the label-join store while it fills
//     up to <cap> waiting predictions, then for <beyond> more at the cap (each one evicting the oldest).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReferenceProfile, type RawValue } from '@keel/ml';
import { evaluateWindow } from '../windows/drift-evaluation';
import { DriftWindow } from '../windows/drift-window';
import type { PredictionRows } from '../windows/prediction-rows';
import { JoinStore, requestKey } from '../performance/join-store';

type Columns = Record<string, ArrayLike<RawValue>>;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const settings = { features: {}, driftShare: 0.5, predictionDrift: false };

function read(dir: string, side: 'ref' | 'cur'): { cols: Columns; numeric: string[]; categorical: string[] } {
  const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as { numeric: string[]; categorical: string[] };
  const cols: Columns = {};
  for (const c of spec.numeric) {
    const b = readFileSync(join(dir, `${c}.${side}.f64`));
    cols[c] = new Float64Array(b.buffer, b.byteOffset, b.length / 8);
  }
  for (const c of spec.categorical) cols[c] = readFileSync(join(dir, `${c}.${side}.txt`), 'utf8').split('\n');
  return { cols, ...spec };
}

function evaluate(dir: string, repeats: number): void {
  const ref = read(dir, 'ref');
  const cur = read(dir, 'cur');
  const features = [...ref.numeric, ...ref.categorical];
  const kinds = Object.fromEntries(
    features.map((c) => [c, ref.numeric.includes(c) ? 'numeric' : 'categorical'] as const),
  );
  const profile = ReferenceProfile.fromColumns(ref.cols, { kinds });
  const rows = cur.cols[features[0]!]!.length;
  const batch: PredictionRows = { rows, inputs: new Map(features.map((f) => [f, cur.cols[f]!])), positive: null };
  const shape = { windowSize: rows, windowSeconds: 0, sliding: false, slidePanes: 4 };
  const once = () => {
    const w = new DriftWindow({ profile, features, shape });
    const t0 = performance.now();
    const [closed] = w.add(batch, Date.now());
    const t1 = performance.now();
    const e = evaluateWindow(profile, closed!, settings, null);
    return { fill: (t1 - t0) / 1000, evaluate: (performance.now() - t1) / 1000, features: e.features };
  };
  once(); // JIT warm-up
  const runs = Array.from({ length: repeats }, once);
  process.stdout.write(
    JSON.stringify({
      fillS: median(runs.map((r) => r.fill)),
      evaluateS: median(runs.map((r) => r.evaluate)),
      features: runs[0]!.features,
    }),
  );
}

function memory(total: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const features = [
    ...Array.from({ length: 10 }, (_, j) => `num${j}`),
    ...Array.from({ length: 10 }, (_, j) => `cat${j}`),
  ];
  let x = 12345;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const column = (f: string, n: number): ArrayLike<RawValue> =>
    f.startsWith('num')
      ? Float64Array.from({ length: n }, () => rnd() * 10 + rnd())
      : Array.from({ length: n }, () => `c${Math.floor(rnd() ** 1.5 * 20)}`);
  const ref: Columns = Object.fromEntries(features.map((f) => [f, column(f, 20_000)]));
  const kinds = Object.fromEntries(features.map((f) => [f, f.startsWith('num') ? 'numeric' : 'categorical'] as const));
  const profile = ReferenceProfile.fromColumns(ref, { kinds });
  const batchRows = 10_000;
  const batch: PredictionRows = {
    rows: batchRows,
    inputs: new Map(features.map((f) => [f, column(f, batchRows)])),
    positive: Float64Array.from({ length: batchRows }, () => rnd()),
  };
  const w = new DriftWindow({
    profile,
    features,
    shape: { windowSize: total, windowSeconds: 0, sliding: false, slidePanes: 4 },
    accumulator: { exactLimit: 100_000 },
  });
  const checkpoints = new Set([10_000, 100_000, 1_000_000, 10_000_000, total]);
  const t0 = performance.now();
  for (let n = batchRows; n <= total; n += batchRows) {
    w.add(batch, n);
    if (checkpoints.has(n)) {
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      process.stdout.write(
        `POINT ${n} ${(m.rss / 2 ** 20).toFixed(1)} ${((m.heapUsed + m.arrayBuffers) / 2 ** 20).toFixed(1)}\n`,
      );
    }
  }
  process.stdout.write(`RATE ${(total / ((performance.now() - t0) / 1000)).toFixed(0)}\n`);
}

// As PerformanceService.rememberPredictions calls it for a one-row request with a UUID-long request id.
function joinStore(cap: number, beyond: number): void {
  const store = new JoinStore({
    ttlMs: 7 * 86_400_000,
    maxEntries: cap,
    earlyLabelTtlMs: 60_000,
    maxEarlyLabels: 10_000,
  });
  const prefix = '6f1c0a52-93d4-4e0b-b1a7-';
  const cpuUs = (from: number, to: number): number => {
    const c0 = process.cpuUsage();
    for (let i = from; i < to; i++) {
      const p = { model: 'bench', version: 1, positive: (i % 97) / 97, at: Date.now() };
      store.addPrediction([requestKey(`${prefix}${i}`, 0)], p);
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / (to - from);
  };
  const filling = cpuUs(0, cap);
  const atCap = cpuUs(cap, cap + beyond);
  process.stdout.write(`JOIN ${filling.toFixed(3)} ${atCap.toFixed(3)} ${store.size} ${store.counters.evicted}\n`);
}

const [mode, arg, repeats] = process.argv.slice(2);
if (mode === 'eval') evaluate(arg!, Number(repeats ?? 3));
else if (mode === 'memory') memory(Number(arg ?? 10_000_000));
else if (mode === 'join') joinStore(Number(arg ?? 200_000), Number(repeats ?? 200_000));
else {
  process.stderr.write('usage: window-probe.ts eval <dir> <repeats> | memory <rows>\n');
  process.exit(2);
}
