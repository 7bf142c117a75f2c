// Resident memory of one monitored window as it grows from 10^4 to 10^7 predictions of 20 features: the
// service's DriftWindow with its default exact limit (100,000 values per feature, then a KLL sketch).
// Run in a fresh `node --expose-gc` process so nothing else shares the heap.
import { DriftWindow } from '../../apps/monitoring/src/windows/drift-window';
import type { PredictionRows } from '../../apps/monitoring/src/windows/prediction-rows';
import { makeWindow } from '../drift/bench-data';
import { FEATURES, benchProfile, columnsOf } from './synthetic-model';

const gc = (globalThis as { gc?: () => void }).gc;

function measure(): { rssMb: number; heapMb: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapMb: (m.heapUsed + m.arrayBuffers) / 2 ** 20 };
}

export function windowMemory(total: number): void {
  const profile = benchProfile(20_000);
  const batchRows = 10_000;
  const cols = columnsOf(makeWindow(batchRows, 2, false));
  const positive = Float64Array.from({ length: batchRows }, (_, i) => (i % 97) / 97);
  const batch: PredictionRows = { rows: batchRows, inputs: new Map(FEATURES.map((f) => [f, cols[f]!])), positive };
  const w = new DriftWindow({
    profile,
    features: FEATURES,
    shape: { windowSize: total, windowSeconds: 0, sliding: false, slidePanes: 4 },
    accumulator: { exactLimit: 100_000 },
  });
  const checkpoints = new Set([10_000, 100_000, 1_000_000, 10_000_000, total]);
  const t0 = performance.now();
  for (let n = batchRows; n <= total; n += batchRows) {
    w.add(batch, n);
    if (checkpoints.has(n)) {
      const m = measure();
      console.log(`POINT ${n} ${m.rssMb.toFixed(1)} ${m.heapMb.toFixed(1)} ${w.pendingRows}`);
    }
  }
  console.log(`RATE ${(total / ((performance.now() - t0) / 1000)).toFixed(0)}`);
}
