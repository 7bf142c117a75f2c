// Sketch-mode memory: stream 10^7 rows of 2 numeric + 2 categorical columns into window accumulators
// past their exact limit, and compare the resident set after 10^4 rows with the one after 10^7.
import { Random, ReferenceProfile, WindowAccumulator, compareColumns } from '@keel/ml';
import { categoryValue, makeWindow, numericValue } from './bench-data';

const TOTAL = Number(process.env['KEEL_BENCH_SKETCH_ROWS'] ?? 10_000_000);
const result = (name: string, value: number, unit: string): void =>
  console.log(`RESULT ${name} ${Number(value.toPrecision(6))} ${unit}`);

// Resident set and live heap (JS heap + typed-array buffers), each after two forced GCs.
function memoryMb(): { rss: number; heap: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: (m.heapUsed + m.arrayBuffers) / 2 ** 20 };
}

// In its own scope so the raw reference rows are garbage before the first measurement.
function buildProfile(): ReferenceProfile {
  const ref = makeWindow(20_000, 3, false);
  return ReferenceProfile.fromColumns(
    {
      num0: ref.numeric['num0'],
      num2: ref.numeric['num2'],
      cat1: ref.categorical['cat1'],
      cat8: ref.categorical['cat8'],
    },
    { exactLimit: 10_000 },
  );
}

export function sketchMemory(): void {
  const profile = buildProfile();
  const window = profile.newWindow({ exactLimit: 10_000 });
  const nums: [WindowAccumulator, number][] = [
    [window.get('num0') as WindowAccumulator, 0],
    [window.get('num2') as WindowAccumulator, 2],
  ];
  const cats: [WindowAccumulator, number][] = [
    [window.get('cat1') as WindowAccumulator, 1],
    [window.get('cat8') as WindowAccumulator, 8],
  ];
  const r = new Random(4);
  let at10k = { rss: 0, heap: 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= TOTAL; i++) {
    for (const [acc, j] of nums) acc.addNumber(numericValue(r, j, true));
    for (const [acc, j] of cats) acc.addCategory(categoryValue(r, j, true));
    if (i === 10_000) at10k = memoryMb();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const atEnd = memoryMb();
  const report = compareColumns(profile, window);
  result('sketch_rss_10k_mb', at10k.rss, 'MB');
  result('sketch_rss_end_mb', atEnd.rss, 'MB');
  result('sketch_rss_growth_mb', atEnd.rss - at10k.rss, 'MB');
  result('sketch_heap_growth_mb', atEnd.heap - at10k.heap, 'MB');
  result('sketch_retained_values_num0', nums[0][0].retainedValues(), 'values');
  result('sketch_update_ns', (seconds * 1e9) / (TOTAL * 4), 'ns/value');
  result('sketch_columns_compared', Object.keys(report.columns).length, 'columns');
}
