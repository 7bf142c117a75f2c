// Preprocessing fitted on training rows only: median / most-frequent imputation, standardisation, and
// one-hot encoding with a trailing bucket for categories never seen in training. Every fitted constant
// is a float32, and transform() rounds each step to float32, so it computes exactly what ONNX does.
import { MlError, MlErrorCode } from './errors';
import { categoryOf, type ColumnType, parseBoolean, parseNumeric } from './schema';
import { getColumn, type Table } from './table';

export interface NumericFeature {
  readonly name: string;
  readonly type: 'numeric' | 'boolean';
  /** Replaces missing values (median, or most frequent for booleans). */
  readonly impute: number;
  /** Standardisation: (x - offset) * scale. */
  readonly offset: number;
  readonly scale: number;
}

export interface CategoricalFeature {
  readonly name: string;
  readonly type: 'categorical';
  /** Sorted training categories; the one-hot block has one more column, the unseen bucket. */
  readonly categories: readonly string[];
  /** Replaces missing ('') values: the most frequent training category. */
  readonly impute: string;
}

export interface Preprocessor {
  readonly numeric: readonly NumericFeature[];
  readonly categorical: readonly CategoricalFeature[];
  /** Whether numeric features are standardised (linear models) or left raw (trees). */
  readonly standardise: boolean;
  /** Names of the expanded feature vector: numeric first, then each one-hot block. */
  readonly featureNames: readonly string[];
}

/** Column-major float32 feature matrix: feature f of row i is data[f * rows + i]. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export interface FeatureColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export const UNSEEN_LABEL = '<unseen>';
const f32 = Math.fround;

export function fitPreprocessor(table: Table, columns: readonly FeatureColumn[], standardise: boolean): Preprocessor {
  if (columns.length === 0) throw new MlError(MlErrorCode.NoFeatures, 'no feature columns to train on');
  if (table.rows === 0) throw new MlError(MlErrorCode.TooFewRows, 'no training rows');
  const numeric: NumericFeature[] = [];
  const categorical: CategoricalFeature[] = [];
  for (const column of columns) {
    if (column.type === 'categorical') categorical.push(fitCategorical(table, column.name));
    else numeric.push(fitNumeric(table, column.name, column.type, standardise));
  }
  const featureNames = [
    ...numeric.map((f) => f.name),
    ...categorical.flatMap((f) => [...f.categories, UNSEEN_LABEL].map((c) => `${f.name}=${c}`)),
  ];
  return { numeric, categorical, standardise, featureNames };
}

export function transform(pre: Preprocessor, table: Table): FeatureMatrix {
  const rows = table.rows;
  const cols = pre.featureNames.length;
  const data = new Float32Array(rows * cols);
  let f = 0;
  for (const feature of pre.numeric) {
    const values = readNumeric(table, feature.name, feature.type);
    const out = data.subarray(f * rows, (f + 1) * rows);
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const x = Number.isNaN(v) ? feature.impute : f32(v);
      out[i] = pre.standardise ? f32(f32(x - feature.offset) * feature.scale) : x;
    }
    f++;
  }
  for (const feature of pre.categorical) {
    const values = getColumn(table, feature.name);
    const index = new Map(feature.categories.map((c, k) => [c, k]));
    const width = feature.categories.length + 1;
    for (let i = 0; i < rows; i++) {
      let cat = categoryOf(values[i]);
      if (cat === '') cat = feature.impute;
      const k = index.get(cat) ?? width - 1;
      data[(f + k) * rows + i] = 1;
    }
    f += width;
  }
  return { rows, cols, data };
}

/** A numeric or boolean column as float64 with NaN for missing cells; typed errors for bad cells. */
export function readNumeric(table: Table, name: string, type: 'numeric' | 'boolean'): Float64Array {
  const values = getColumn(table, name);
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === Infinity || v === -Infinity) parseNumeric(v, name, i); // throws the typed error
    }
    return values;
  }
  const out = new Float64Array(values.length);
  const parse = type === 'boolean' ? parseBoolean : parseNumeric;
  for (let i = 0; i < values.length; i++) out[i] = parse(values[i], name, i);
  return out;
}

function fitNumeric(table: Table, name: string, type: 'numeric' | 'boolean', standardise: boolean): NumericFeature {
  const values = readNumeric(table, name, type);
  const n = values.length;
  const present = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) present[m++] = values[i];
  if (m === 0) throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values in the training rows`);
  const impute = f32(type === 'boolean' ? mostFrequentBit(present.subarray(0, m)) : median(present.subarray(0, m)));
  if (!standardise) return { name, type, impute, offset: 0, scale: 1 };
  const filled = present; // reused as the imputed float32 column
  for (let i = 0; i < n; i++) filled[i] = Number.isNaN(values[i]) ? impute : f32(values[i]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += filled[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = filled[i] - mean;
    ss += d * d;
  }
  const std = Math.sqrt(ss / n);
  return { name, type, impute, offset: f32(mean), scale: std > 0 ? f32(1 / std) : 1 };
}

function fitCategorical(table: Table, name: string): CategoricalFeature {
  const values = getColumn(table, name);
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const cat = categoryOf(values[i]);
    if (cat !== '') counts.set(cat, (counts.get(cat) ?? 0) + 1);
  }
  if (counts.size === 0)
    throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values in the training rows`);
  const categories = [...counts.keys()].sort();
  let impute = categories[0];
  for (const c of categories) if ((counts.get(c) ?? 0) > (counts.get(impute) ?? 0)) impute = c;
  return { name, type: 'categorical', categories, impute };
}

// Quickselect (reorders `values` in place): O(n), where a full sort would be O(n log n).
function median(values: Float64Array): number {
  const n = values.length;
  const mid = n >> 1;
  select(values, mid);
  if (n % 2 === 1) return values[mid];
  let below = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > below) below = values[i];
  return (below + values[mid]) / 2;
}

/** Puts the k-th smallest value at index k, smaller-or-equal values before it. */
function select(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = medianOf3(a[lo], a[(lo + hi) >> 1], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function medianOf3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function mostFrequentBit(values: Float64Array): number {
  let ones = 0;
  for (let i = 0; i < values.length; i++) ones += values[i];
  return ones > values.length - ones ? 1 : 0;
}
