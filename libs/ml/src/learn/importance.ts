// Feature importances: what the model itself says (split gain for trees, coefficients for logistic
// regression) per encoded feature and per input column, and permutation importance on a given split
// for any model: how much a metric drops when one input column's values are shuffled.
import { Random } from '../core';
import { MlError, MlErrorCode } from './errors';
import type { FittedPipeline } from './fitted-pipeline';
import type { Metrics } from './metrics';
import { featureSources } from './preprocess';
import { type Cell, type ColumnValues, getColumn, type Table, type TableInput, toTable } from './table';
import type { Tree } from './tree';

export interface Importance {
  readonly name: string;
  readonly value: number;
}

export interface ModelImportances {
  /** 'gain': share of the total split gain (sums to 1); 'coefficient': the logistic coefficients. */
  readonly kind: 'gain' | 'coefficient';
  /** Per encoded feature (one-hot columns separately); signed coefficients for 'coefficient'. */
  readonly features: readonly Importance[];
  /**
   * Per input column. Gain: the sum over its encoded features. Coefficient: the sum over them of
   * |coefficient| x the encoded feature's training standard deviation (1 for a standardised numeric
   * feature, sqrt(p (1 - p)) for a one-hot column with share p), so columns compare on one scale.
   */
  readonly columns: readonly Importance[];
}

export function modelImportances(pipeline: FittedPipeline): ModelImportances {
  const { classifier, preprocessor, card } = pipeline;
  const names = preprocessor.featureNames;
  const sources = featureSources(preprocessor);
  const perColumn = (weights: ArrayLike<number>): Importance[] => {
    const sums = new Map(card.features.map((f) => [f.name, 0]));
    for (let f = 0; f < names.length; f++) sums.set(sources[f], (sums.get(sources[f]) ?? 0) + weights[f]);
    return card.features.map((f) => ({ name: f.name, value: sums.get(f.name) ?? 0 }));
  };
  if (classifier.kind === 'lr') {
    const { coefficients } = classifier.model;
    const numeric = preprocessor.numeric.length;
    const scaled = Array.from(coefficients, (c, f) => {
      const p = classifier.featureMeans[f];
      return Math.abs(c) * (f < numeric ? 1 : Math.sqrt(Math.max(p * (1 - p), 0)));
    });
    return {
      kind: 'coefficient',
      features: names.map((name, f) => ({ name, value: coefficients[f] })),
      columns: perColumn(scaled),
    };
  }
  const gains =
    classifier.kind === 'rf'
      ? forestGains(classifier.trees, names.length)
      : boostedGains(classifier.model.trees, names.length);
  return { kind: 'gain', features: names.map((name, f) => ({ name, value: gains[f] })), columns: perColumn(gains) };
}

/** Total split gain per feature, as a share of all gain. */
function boostedGains(trees: readonly Tree[], features: number): Float64Array {
  const out = new Float64Array(features);
  for (const tree of trees) addGains(tree, out, 1);
  return normalised(out);
}

/** scikit-learn's impurity importance: per tree normalised to 1, averaged, normalised again. */
function forestGains(trees: readonly Tree[], features: number): Float64Array {
  const out = new Float64Array(features);
  const one = new Float64Array(features);
  for (const tree of trees) {
    one.fill(0);
    addGains(tree, one, 1);
    normalised(one);
    for (let f = 0; f < features; f++) out[f] += one[f];
  }
  return normalised(out);
}

function addGains(tree: Tree, out: Float64Array, scale: number): void {
  for (let j = 0; j < tree.feature.length; j++) if (tree.feature[j] >= 0) out[tree.feature[j]] += scale * tree.gain[j];
}

function normalised(v: Float64Array): Float64Array {
  let total = 0;
  for (const x of v) total += x;
  if (total > 0) for (let f = 0; f < v.length; f++) v[f] /= total;
  return v;
}

export type PermutationMetric = 'auc' | 'accuracy' | 'logLoss';

export interface PermutationOptions {
  readonly seed: number;
  /** Shuffles per column; default 5. */
  readonly repeats?: number;
  /** Default 'auc'. */
  readonly metric?: PermutationMetric;
}

export interface PermutationImportance {
  readonly name: string;
  /** Mean loss of the metric over the shuffles (a drop for auc/accuracy, a rise for log loss). */
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

export interface PermutationImportances {
  readonly kind: 'permutation';
  readonly metric: PermutationMetric;
  readonly baseline: number;
  readonly rows: number;
  readonly repeats: number;
  readonly seed: number;
  readonly columns: readonly PermutationImportance[];
}

/** Shuffles each input column of `split` in turn (seeded) and records how much the metric gets worse. */
export function permutationImportance(
  pipeline: FittedPipeline,
  split: TableInput | Table,
  options: PermutationOptions,
): PermutationImportances {
  const table = toTable(split);
  const repeats = options.repeats ?? 5;
  const metric = options.metric ?? 'auc';
  if (!(Number.isInteger(repeats) && repeats >= 1))
    throw new MlError(MlErrorCode.InvalidParams, `repeats must be a positive integer, got ${repeats}`);
  if (!Number.isInteger(options.seed))
    throw new MlError(MlErrorCode.InvalidParams, `seed must be an integer, got ${options.seed}`);
  if (table.rows < 2) throw new MlError(MlErrorCode.TooFewRows, 'permutation importance needs at least 2 rows');
  const score = (m: Metrics): number => m[metric];
  const worse = (value: number, base: number): number => (metric === 'logLoss' ? value - base : base - value);
  const baseline = score(pipeline.evaluate(table));
  const random = new Random(options.seed);
  const columns = pipeline.card.features.map((feature) => {
    const stream = random.fork();
    const original = getColumn(table, feature.name);
    const values: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled = new Map(table.columns);
      shuffled.set(feature.name, shuffle(original, stream));
      values.push(worse(score(pipeline.evaluate({ columns: shuffled, rows: table.rows })), baseline));
    }
    const mean = values.reduce((a, v) => a + v, 0) / repeats;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / repeats);
    return { name: feature.name, mean, std, values };
  });
  return { kind: 'permutation', metric, baseline, rows: table.rows, repeats, seed: options.seed, columns };
}

function shuffle(values: ColumnValues, random: Random): ColumnValues {
  const order = random.shuffle(Int32Array.from({ length: values.length }, (_, i) => i));
  if (values instanceof Float64Array) return Float64Array.from(order, (i) => values[i]);
  return Array.from(order, (i): Cell => values[i]);
}
