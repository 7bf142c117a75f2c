// Preprocessing fitted on training rows only: one-hot encoding with infrequent categories grouped (as
// scikit-learn's OneHotEncoder min_frequency / max_categories) into a trailing "other" bucket that also takes
// categories never seen in training; and, per learner, either imputation (median / most frequent) plus
// standardisation (linear models) or native missing values (trees: NaN reaches the learner, and a missing
// categorical cell is NaN across its one-hot block). Every fitted constant is a float32, and transform()
// rounds each step to float32, so it computes exactly what the exported ONNX graph does.
import { MlError, MlErrorCode } from './errors';
import { categoryOf, type ColumnType, parseBoolean, parseNumeric } from './schema';
import { getColumn, type Table } from './table';

export interface NumericFeature {
  readonly name: string;
  readonly type: 'numeric' | 'boolean';
  /** Replaces missing values (median, or most frequent for booleans); NaN when missing values stay. */
  readonly impute: number;
  /** Standardisation: (x - offset) * scale. */
  readonly offset: number;
  readonly scale: number;
}

export interface CategoricalFeature {
  readonly name: string;
  readonly type: 'categorical';
  /** Sorted frequent training categories; the one-hot block has one more column, the "other" bucket. */
  readonly categories: readonly string[];
  /** Replaces missing values when imputing: the most frequent training category. */
  readonly impute: string;
  /** How many training categories were grouped into the "other" bucket as infrequent. */
  readonly infrequent: number;
}

/** 'impute': missing cells take training statistics; 'native': they stay missing (NaN) for the trees. */
export type MissingMode = 'impute' | 'native';

/** Infrequent-category grouping, as scikit-learn's OneHotEncoder. */
export interface EncodingOptions {
  /** Categories seen fewer times are infrequent: an integer count, or a fraction of the rows in (0, 1). */
  readonly minFrequency?: number;
  /** At most this many one-hot columns per categorical column, the "other" bucket included (>= 2). */
  readonly maxCategories?: number;
}

export interface PreprocessOptions {
  /** Standardise numeric features (linear models); trees take raw values. */
  readonly standardise: boolean;
  readonly missing: MissingMode;
  readonly encoding?: EncodingOptions;
}

export interface Preprocessor {
  readonly numeric: readonly NumericFeature[];
  readonly categorical: readonly CategoricalFeature[];
  /** Whether numeric features are standardised (linear models) or left raw (trees). */
  readonly standardise: boolean;
  readonly missing: MissingMode;
  /** Names of the expanded feature vector: numeric first, then each one-hot block. */
  readonly featureNames: readonly string[];
}

/** Column-major float32 feature matrix: feature f of row i is data[f * rows + i]. NaN = missing (trees). */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export interface FeatureColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** The label of the one-hot column for infrequent and unseen categories. */
export const OTHER_LABEL = '<other>';
const f32 = Math.fround;

export function fitPreprocessor(
  table: Table,
  columns: readonly FeatureColumn[],
  options: PreprocessOptions,
): Preprocessor {
  if (columns.length === 0) throw new MlError(MlErrorCode.NoFeatures, 'no feature columns to train on');
  if (table.rows === 0) throw new MlError(MlErrorCode.TooFewRows, 'no training rows');
  if (options.standardise && options.missing !== 'impute')
    throw new MlError(MlErrorCode.InvalidParams, 'standardised features need imputed missing values');
  const encoding = validateEncoding(options.encoding ?? {});
  const numeric: NumericFeature[] = [];
  const categorical: CategoricalFeature[] = [];
  for (const column of columns) {
    if (column.type === 'categorical') categorical.push(fitCategorical(table, column.name, encoding));
    else numeric.push(fitNumeric(table, column.name, column.type, options));
  }
  return makePreprocessor(numeric, categorical, options.standardise, options.missing);
}

/** A preprocessor from its fitted parts (also used when a model is read back from ONNX). */
export function makePreprocessor(
  numeric: readonly NumericFeature[],
  categorical: readonly CategoricalFeature[],
  standardise: boolean,
  missing: MissingMode,
): Preprocessor {
  const featureNames = [
    ...numeric.map((f) => f.name),
    ...categorical.flatMap((f) => [...f.categories, OTHER_LABEL].map((c) => `${f.name}=${c}`)),
  ];
  return { numeric, categorical, standardise, missing, featureNames };
}

/** For each encoded feature, the name of the input column it comes from. */
export function featureSources(pre: Preprocessor): string[] {
  return [
    ...pre.numeric.map((f) => f.name),
    ...pre.categorical.flatMap((f) => Array<string>(f.categories.length + 1).fill(f.name)),
  ];
}

export function transform(pre: Preprocessor, table: Table): FeatureMatrix {
  const rows = table.rows;
  const cols = pre.featureNames.length;
  const data = new Float32Array(rows * cols);
  const impute = pre.missing === 'impute';
  let f = 0;
  for (const feature of pre.numeric) {
    const values = readNumeric(table, feature.name, feature.type);
    const out = data.subarray(f * rows, (f + 1) * rows);
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const x = Number.isNaN(v) ? (impute ? feature.impute : NaN) : f32(v);
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
      if (cat === '') {
        if (!impute) {
          for (let k = 0; k < width; k++) data[(f + k) * rows + i] = NaN;
          continue;
        }
        cat = feature.impute;
      }
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

function fitNumeric(
  table: Table,
  name: string,
  type: 'numeric' | 'boolean',
  options: PreprocessOptions,
): NumericFeature {
  const values = readNumeric(table, name, type);
  const n = values.length;
  const present = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) present[m++] = values[i];
  if (m === 0) throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values in the training rows`);
  if (options.missing === 'native') return { name, type, impute: NaN, offset: 0, scale: 1 };
  const impute = f32(type === 'boolean' ? mostFrequentBit(present.subarray(0, m)) : median(present.subarray(0, m)));
  if (!options.standardise) return { name, type, impute, offset: 0, scale: 1 };
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

function fitCategorical(table: Table, name: string, encoding: EncodingOptions): CategoricalFeature {
  const values = getColumn(table, name);
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const cat = categoryOf(values[i]);
    if (cat !== '') counts.set(cat, (counts.get(cat) ?? 0) + 1);
  }
  if (counts.size === 0)
    throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values in the training rows`);
  const sorted = [...counts.keys()].sort();
  let impute = sorted[0];
  for (const c of sorted) if ((counts.get(c) ?? 0) > (counts.get(impute) ?? 0)) impute = c;
  const categories = frequentCategories(sorted, counts, table.rows, encoding);
  return { name, type: 'categorical', categories, impute, infrequent: sorted.length - categories.length };
}

/**
 * The categories kept as their own one-hot column, sorted: those seen at least minFrequency times, and of
 * those the maxCategories - 1 most frequent (ties to the earlier category), as scikit-learn chooses them.
 */
function frequentCategories(
  sorted: readonly string[],
  counts: ReadonlyMap<string, number>,
  rows: number,
  encoding: EncodingOptions,
): string[] {
  const { minFrequency, maxCategories } = encoding;
  const threshold = minFrequency === undefined ? 0 : minFrequency < 1 ? minFrequency * rows : minFrequency;
  let kept = sorted.filter((c) => (counts.get(c) ?? 0) >= threshold);
  if (maxCategories !== undefined && kept.length > maxCategories - 1) {
    const byCount = kept.map((c, k) => ({ c, k, n: counts.get(c) ?? 0 })).sort((a, b) => b.n - a.n || a.k - b.k);
    const top = new Set(byCount.slice(0, maxCategories - 1).map((e) => e.c));
    kept = kept.filter((c) => top.has(c));
  }
  return kept;
}

function validateEncoding(encoding: EncodingOptions): EncodingOptions {
  const problems: string[] = [];
  const { minFrequency, maxCategories } = encoding;
  if (minFrequency !== undefined) {
    const ok =
      Number.isFinite(minFrequency) &&
      (Number.isInteger(minFrequency) ? minFrequency >= 1 : minFrequency > 0 && minFrequency < 1);
    if (!ok) problems.push(`minFrequency must be an integer >= 1 or a fraction in (0, 1), got ${minFrequency}`);
  }
  if (maxCategories !== undefined && !(Number.isInteger(maxCategories) && maxCategories >= 2))
    problems.push(`maxCategories must be an integer >= 2, got ${maxCategories}`);
  if (problems.length > 0) throw new MlError(MlErrorCode.InvalidParams, problems.join('; '));
  return encoding;
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
