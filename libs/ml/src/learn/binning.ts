// Feature binning for the tree learners. Bin b holds values x <= thresholds[b] (and > thresholds[b-1]);
// thresholds are real float32 data values, so "bin <= b" and the exported "x <= threshold" agree exactly.
// Missing values (NaN) get their own code, MISSING_BIN, as in scikit-learn's HistGradientBoosting.
import type { Random } from '../core';
import type { FeatureMatrix } from './preprocess';

export interface Binning {
  /** Per feature, ascending split values; the feature has thresholds.length + 1 bins. */
  readonly thresholds: readonly Float32Array[];
}

/** Column-major bin codes: bins[f * rows + i]; MISSING_BIN for a missing value. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly bins: Uint8Array;
  /** Bins of non-missing values per feature (thresholds + 1). */
  readonly nBins: Int32Array;
}

/** Bins for non-missing values; code 255 is kept for missing ones. */
export const MAX_BINS = 255;
export const MISSING_BIN = 255;
const SAMPLE_ROWS = 200_000;

export function fitBinning(x: FeatureMatrix, maxBins: number, random: Random): Binning {
  const bins = Math.min(Math.max(2, Math.floor(maxBins)), MAX_BINS);
  const sample = x.rows > SAMPLE_ROWS ? sampleRows(x.rows, SAMPLE_ROWS, random) : null;
  const thresholds: Float32Array[] = [];
  for (let f = 0; f < x.cols; f++) {
    const column = x.data.subarray(f * x.rows, (f + 1) * x.rows);
    const few = fewDistinct(column, bins);
    if (few) {
      thresholds.push(few);
      continue;
    }
    const values = sample ? Float32Array.from(sample, (i) => column[i]) : Float32Array.from(column);
    thresholds.push(columnThresholds(present(values).sort(), bins));
  }
  return { thresholds };
}

export function applyBinning(binning: Binning, x: FeatureMatrix): BinnedMatrix {
  const { rows, cols } = x;
  const bins = new Uint8Array(rows * cols);
  const nBins = new Int32Array(cols);
  for (let f = 0; f < cols; f++) {
    const thr = binning.thresholds[f];
    nBins[f] = thr.length + 1;
    const column = x.data.subarray(f * rows, (f + 1) * rows);
    const out = bins.subarray(f * rows, (f + 1) * rows);
    if (thr.length === 1) {
      const t = thr[0];
      for (let i = 0; i < rows; i++) {
        const v = column[i];
        out[i] = v <= t ? 0 : v === v ? 1 : MISSING_BIN;
      }
      continue;
    }
    for (let i = 0; i < rows; i++) {
      const v = column[i];
      out[i] = v === v ? binOf(thr, v) : MISSING_BIN;
    }
  }
  return { rows, cols, bins, nBins };
}

/** Smallest b with x <= thr[b], or thr.length when x is above every threshold. */
export function binOf(thr: Float32Array, x: number): number {
  let lo = 0;
  let hi = thr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= thr[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Thresholds when the column has at most maxBins distinct values (one-hot columns...), else null. */
function fewDistinct(column: Float32Array, maxBins: number): Float32Array | null {
  const seen = new Set<number>();
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === v && !seen.has(v)) {
      if (seen.size === maxBins) return null;
      seen.add(v);
    }
  }
  return Float32Array.from(seen)
    .sort()
    .subarray(0, Math.max(seen.size - 1, 0));
}

function present(values: Float32Array): Float32Array {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) values[m++] = values[i];
  return values.subarray(0, m);
}

function columnThresholds(sorted: Float32Array, maxBins: number): Float32Array {
  if (sorted.length === 0) return new Float32Array(0);
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= maxBins) return Float32Array.from(distinct.slice(0, -1));
  // Quantile cuts on the data, deduplicated; the top value never becomes a cut so the last bin is not empty.
  const top = distinct[distinct.length - 1];
  const cuts: number[] = [];
  for (let j = 1; j < maxBins; j++) {
    const v = sorted[Math.floor((j * sorted.length) / maxBins) - 1];
    if (v < top && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
  }
  return Float32Array.from(cuts);
}

function sampleRows(rows: number, count: number, random: Random): Int32Array {
  const all = new Int32Array(rows);
  for (let i = 0; i < rows; i++) all[i] = i;
  // Partial Fisher–Yates: the first `count` slots become a uniform sample without replacement.
  for (let i = 0; i < count; i++) {
    const j = i + random.nextInt(rows - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.subarray(0, count).sort();
}
