// Histogram gradient boosting for binary log loss, after scikit-learn's HistGradientBoostingClassifier:
// binned features, best-first (leaf-wise) trees with a leaf limit, gradient/hessian histograms built for
// the smaller child only (the larger one is parent minus smaller), L2 leaf regularisation, shrinkage,
// early stopping on a validation set (given, or a stratified split of the training rows), and missing
// values sent the way each split learned (see gbdt-tree.ts).
import type { Random } from '../core';
import type { Binning, BinnedMatrix } from './binning';
import { MlError, MlErrorCode } from './errors';
import { growBoostedTree, type GrowParams, histLayout } from './gbdt-tree';
import { sigmoid } from './logistic';
import { stratifiedSplit } from './split';
import { addTreeBinned, type Tree } from './tree';

export interface GbdtParams extends GrowParams {
  readonly maxIter: number;
  readonly learningRate: number;
  readonly maxBins: number;
  /** 'auto' turns early stopping on above 10,000 rows, as scikit-learn does. */
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
}

export const DEFAULT_GBDT: GbdtParams = {
  maxIter: 100,
  learningRate: 0.1,
  maxLeafNodes: 31,
  maxDepth: 1000,
  minSamplesLeaf: 20,
  l2: 0,
  maxBins: 255,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
};

export interface GbdtModel {
  readonly trees: Tree[];
  /** Initial raw score: the training log-odds. */
  readonly base: number;
  /** Validation log loss before the first tree and after each one, when early stopping ran. */
  readonly validationLoss: readonly number[];
}

/** Rows to watch for early stopping, binned with the training binning. */
export interface GbdtValidation {
  readonly x: BinnedMatrix;
  readonly y: Uint8Array;
}

/** Called after each tree; throwing from it stops training (the error propagates). */
export type GbdtProgress = (iteration: number, validationLoss: number | undefined) => void;

export function fitGbdt(
  x: BinnedMatrix,
  binning: Binning,
  y: Uint8Array,
  params: GbdtParams,
  random: Random,
  validation?: GbdtValidation,
  onTree?: GbdtProgress,
): GbdtModel {
  validate(params);
  const early = params.earlyStopping === 'auto' ? x.rows > 10_000 : params.earlyStopping;
  let train = x;
  let trainY = y;
  let valid: { x: BinnedMatrix; y: Uint8Array; raw: Float64Array } | null = null;
  if (early && validation) {
    valid = { x: validation.x, y: validation.y, raw: new Float64Array(validation.x.rows) };
  } else if (early) {
    const split = stratifiedSplit(y, params.validationFraction, random);
    train = selectBinned(x, split.train);
    trainY = selectLabels(y, split.train);
    valid = {
      x: selectBinned(x, split.test),
      y: selectLabels(y, split.test),
      raw: new Float64Array(split.test.length),
    };
  }
  const n = train.rows;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += trainY[i];
  const prior = Math.min(Math.max(positives / n, 1e-12), 1 - 1e-12);
  const base = Math.fround(Math.log(prior / (1 - prior)));
  const raw = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const layout = histLayout(train);
  const trees: Tree[] = [];
  const losses: number[] = [];
  if (valid) {
    valid.raw.fill(base);
    losses.push(logLoss(valid.raw, valid.y));
  }
  for (let iter = 0; iter < params.maxIter; iter++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]);
      grad[i] = p - trainY[i];
      hess[i] = p * (1 - p);
    }
    const tree = growBoostedTree(train, layout, binning, grad, hess, params, params.learningRate, raw);
    trees.push(tree);
    if (!valid) {
      onTree?.(iter + 1, undefined);
      continue;
    }
    addTreeBinned(tree, valid.x.bins, valid.x.rows, valid.raw);
    losses.push(logLoss(valid.raw, valid.y));
    onTree?.(iter + 1, losses[losses.length - 1]);
    if (shouldStop(losses, params)) break;
  }
  return { trees, base, validationLoss: losses };
}

function shouldStop(losses: number[], params: GbdtParams): boolean {
  const k = params.nIterNoChange;
  if (losses.length <= k) return false;
  const reference = losses[losses.length - k - 1];
  for (let j = losses.length - k; j < losses.length; j++) if (losses[j] < reference - params.tol) return false;
  return true;
}

function logLoss(raw: Float64Array, y: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    sum += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s;
  }
  return sum / raw.length;
}

function selectBinned(x: BinnedMatrix, rows: Int32Array): BinnedMatrix {
  const m = rows.length;
  const bins = new Uint8Array(m * x.cols);
  for (let f = 0; f < x.cols; f++) {
    const src = f * x.rows;
    const dst = f * m;
    for (let i = 0; i < m; i++) bins[dst + i] = x.bins[src + rows[i]];
  }
  return { rows: m, cols: x.cols, bins, nBins: x.nBins };
}

function selectLabels(y: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]];
  return out;
}

function validate(p: GbdtParams): void {
  const bad = (what: string): never => {
    throw new MlError(MlErrorCode.InvalidParams, `gbdt: ${what}`);
  };
  if (!(Number.isInteger(p.maxIter) && p.maxIter > 0)) bad(`maxIter must be a positive integer, got ${p.maxIter}`);
  if (!(p.learningRate > 0 && p.learningRate <= 1)) bad(`learningRate must be in (0, 1], got ${p.learningRate}`);
  if (!(Number.isInteger(p.maxLeafNodes) && p.maxLeafNodes >= 2))
    bad(`maxLeafNodes must be an integer >= 2, got ${p.maxLeafNodes}`);
  if (!(p.maxDepth >= 1)) bad(`maxDepth must be >= 1, got ${p.maxDepth}`);
  if (!(Number.isInteger(p.minSamplesLeaf) && p.minSamplesLeaf >= 1))
    bad(`minSamplesLeaf must be an integer >= 1, got ${p.minSamplesLeaf}`);
  if (!(p.l2 >= 0)) bad(`l2 must be >= 0, got ${p.l2}`);
  if (!(p.validationFraction > 0 && p.validationFraction < 1))
    bad(`validationFraction must be in (0, 1), got ${p.validationFraction}`);
  if (!(Number.isInteger(p.nIterNoChange) && p.nIterNoChange >= 1))
    bad(`nIterNoChange must be an integer >= 1, got ${p.nIterNoChange}`);
}
