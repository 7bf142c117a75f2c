// Random forest of Gini trees on binned features: bootstrap rows (as integer weights), a fresh random
// feature subset at every node, class-count histograms per node. Leaf values are P(positive) / nTrees,
// so the ensemble's probability is the plain sum of leaves (what ONNX's TreeEnsembleClassifier computes).
// Missing values take a learned direction per split, as in the boosted trees: each threshold is tried with
// them on either side, and "every present value left, missing right" is a candidate too.
import type { Random } from '../core';
import { type Binning, type BinnedMatrix, MISSING_BIN } from './binning';
import { MlError, MlErrorCode } from './errors';
import { splitThreshold, type Tree, TreeBuilder } from './tree';

// A local copy: an imported binding is read through a getter in the CommonJS build, too slow for hot loops.
const MISSING: number = MISSING_BIN;

export interface ForestParams {
  readonly nTrees: number;
  /** Features tried per split; 'sqrt' is floor(sqrt(features)). */
  readonly maxFeatures: 'sqrt' | number;
  readonly maxDepth: number;
  readonly maxBins: number;
  /** Bootstrap sample size as a fraction of the rows (scikit-learn's max_samples); 1 = n draws. */
  readonly maxSamples: number;
}

const PACK = 2 ** 26;

export const DEFAULT_FOREST: ForestParams = {
  nTrees: 100,
  maxFeatures: 'sqrt',
  maxDepth: 1000,
  maxBins: 255,
  maxSamples: 1,
};

export function fitForest(
  x: BinnedMatrix,
  binning: Binning,
  y: Uint8Array,
  params: ForestParams,
  random: Random,
  onTree?: (built: number) => void,
): Tree[] {
  if (!(Number.isInteger(params.nTrees) && params.nTrees > 0))
    throw new MlError(MlErrorCode.InvalidParams, `nTrees must be a positive integer, got ${params.nTrees}`);
  if (x.rows >= PACK)
    throw new MlError(MlErrorCode.InvalidParams, `random forest supports fewer than ${PACK} rows, got ${x.rows}`);
  if (!(params.maxSamples > 0 && params.maxSamples <= 1))
    throw new MlError(MlErrorCode.InvalidParams, `maxSamples must be in (0, 1], got ${params.maxSamples}`);
  const F = x.cols;
  const mtry =
    params.maxFeatures === 'sqrt'
      ? Math.max(1, Math.floor(Math.sqrt(F)))
      : Math.min(F, Math.max(1, Math.floor(params.maxFeatures)));
  const trees: Tree[] = [];
  for (let t = 0; t < params.nTrees; t++) {
    trees.push(growTree(x, binning, y, params, mtry, random.fork(), 1 / params.nTrees));
    onTree?.(t + 1);
  }
  return trees;
}

function growTree(
  x: BinnedMatrix,
  binning: Binning,
  y: Uint8Array,
  params: ForestParams,
  mtry: number,
  random: Random,
  scale: number,
): Tree {
  const { rows: n, cols: F, bins } = x;
  const count = new Int32Array(n);
  // Bootstrap draws by multiply-shift on 32 random bits: bias below n / 2^32, far cheaper than nextInt.
  const draws = Math.max(1, Math.round(params.maxSamples * n));
  for (let k = 0; k < draws; k++) count[Math.floor((random.nextUint32() * n) / 4294967296)]++;
  let m = 0;
  for (let i = 0; i < n; i++) if (count[i] > 0) m++;
  // In-bag rows and their class weights, kept aligned by position so partitioning moves both and the
  // histogram loop reads weights sequentially. Both class weights share one float64 (w0 + w1 * 2^26,
  // exact below 2^26 rows), so each row costs one histogram add.
  const idx = new Int32Array(m);
  const pw = new Float64Array(m);
  let root0 = 0;
  let root1 = 0;
  for (let i = 0, k = 0; i < n; i++) {
    if (count[i] === 0) continue;
    idx[k] = i;
    if (y[i] === 1) {
      pw[k] = count[i] * PACK;
      root1 += count[i];
    } else {
      pw[k] = count[i];
      root0 += count[i];
    }
    k++;
  }
  const hist = new Float64Array(256);
  const spillIdx = new Int32Array(m);
  const spillW = new Float64Array(m);
  const perm = new Int32Array(F);
  const touched = new Int32Array(256);
  const builder = new TreeBuilder();
  // Work stack of [node, start, end, depth, weight0, weight1].
  const stack: number[][] = [[builder.addNode(root0 + root1), 0, m, 0, root0, root1]];
  while (stack.length > 0) {
    const [node, start, end, depth, w0, w1] = stack.pop()!;
    const total = w0 + w1;
    if (w0 === 0 || w1 === 0 || end - start < 2 || depth >= params.maxDepth) {
      builder.setLeaf(node, Math.fround((w1 / total) * scale));
      continue;
    }
    let bestScore = -1;
    let bestFeature = -1;
    let bestBin = -1;
    let bestMissingLeft = false;
    let bestL0 = 0;
    let bestL1 = 0;
    const consider = (f: number, bin: number, l0: number, l1: number, missingLeft: boolean): void => {
      const l = l0 + l1;
      const r0 = w0 - l0;
      const r1 = w1 - l1;
      const score = (l0 * l0 + l1 * l1) / l + (r0 * r0 + r1 * r1) / (total - l);
      if (score > bestScore) {
        bestScore = score;
        bestFeature = f;
        bestBin = bin;
        bestMissingLeft = missingLeft;
        bestL0 = l0;
        bestL1 = l1;
      }
    };
    for (let f = 0; f < F; f++) perm[f] = f;
    let tried = 0;
    for (let q = 0; q < F && tried < mtry; q++) {
      const j = q + random.nextInt(F - q);
      const f = perm[j];
      perm[j] = perm[q];
      perm[q] = f;
      const off = f * n;
      // Track the bins this node touches: deep nodes hold a few rows, so scanning and clearing only
      // those bins (sorted) beats walking all 256.
      let k = 0;
      for (let r = start; r < end; r++) {
        const b = bins[off + idx[r]];
        if (hist[b] === 0) touched[k++] = b;
        hist[b] += pw[r];
      }
      const missing = hist[MISSING];
      const hasMissing = missing !== 0;
      if (k < 2) {
        hist[touched[0]] = 0;
        continue; // constant here: does not count towards mtry
      }
      tried++;
      // Present bins in ascending order: few touched bins are insertion-sorted, many walk the bin range.
      let count = 0;
      if (k <= 32) {
        for (let t = 0; t < k; t++) {
          const b = touched[t];
          if (b === MISSING) continue;
          let u = count - 1;
          while (u >= 0 && touched[u] > b) {
            touched[u + 1] = touched[u];
            u--;
          }
          touched[u + 1] = b;
          count++;
        }
      } else {
        let lo = 255;
        let hi = 0;
        for (let t = 0; t < k; t++) {
          const b = touched[t];
          if (b === MISSING) continue;
          if (b < lo) lo = b;
          if (b > hi) hi = b;
        }
        for (let b = lo; b <= hi; b++) if (hist[b] !== 0) touched[count++] = b;
      }
      const m1 = Math.floor(missing / PACK);
      const m0 = missing - m1 * PACK;
      let l0 = 0;
      let l1 = 0;
      for (let t = 0; t < count; t++) {
        const packed = hist[touched[t]];
        const c1 = Math.floor(packed / PACK);
        l0 += packed - c1 * PACK;
        l1 += c1;
        const bin = touched[t];
        if (t < count - 1) {
          if (hasMissing) {
            consider(f, bin, l0, l1, false);
            consider(f, bin, l0 + m0, l1 + m1, true);
          } else {
            // No missing values here: at scoring time they follow the heavier child.
            consider(f, bin, l0, l1, 2 * (l0 + l1) > total);
          }
        } else if (hasMissing) consider(f, bin, l0, l1, false); // every present value left
      }
      for (let t = 0; t < count; t++) hist[touched[t]] = 0;
      hist[MISSING] = 0;
    }
    if (bestFeature < 0) {
      builder.setLeaf(node, Math.fround((w1 / total) * scale));
      continue;
    }
    // Stable partition of idx[start, end), left rows first: rows stay in ascending order inside every
    // node, so the bin gathers above walk memory forwards (this is what keeps large tables fast).
    const off = bestFeature * n;
    let lo = start;
    let spill = 0;
    for (let r = start; r < end; r++) {
      const i = idx[r];
      const b = bins[off + i];
      if (b === MISSING ? bestMissingLeft : b <= bestBin) {
        idx[lo] = i;
        pw[lo++] = pw[r];
      } else {
        spillIdx[spill] = i;
        spillW[spill++] = pw[r];
      }
    }
    idx.set(spillIdx.subarray(0, spill), lo);
    pw.set(spillW.subarray(0, spill), lo);
    const split = {
      feature: bestFeature,
      bin: bestBin,
      threshold: splitThreshold(binning.thresholds[bestFeature], bestBin),
      missingLeft: bestMissingLeft,
      // Weighted Gini decrease (scikit-learn's impurity importance, before normalisation).
      gain: bestScore - (w0 * w0 + w1 * w1) / total,
    };
    const [left, right] = builder.split(node, split, bestL0 + bestL1, total - bestL0 - bestL1);
    stack.push([right, lo, end, depth + 1, w0 - bestL0, w1 - bestL1]);
    stack.push([left, start, lo, depth + 1, bestL0, bestL1]);
  }
  return builder.build();
}
