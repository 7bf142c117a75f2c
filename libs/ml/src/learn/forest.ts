// Random forest of Gini trees on binned features: bootstrap rows (as integer weights), a fresh random
// feature subset at every node, class-count histograms per node. Leaf values are P(positive) / nTrees,
// so the ensemble's probability is the plain sum of leaves (what ONNX's TreeEnsembleClassifier computes).
import type { Random } from '../core';
import type { Binning, BinnedMatrix } from './binning';
import { MlError, MlErrorCode } from './errors';
import { type Tree, TreeBuilder } from './tree';

export interface ForestParams {
  readonly nTrees: number;
  /** Features tried per split; 'sqrt' is floor(sqrt(features)). */
  readonly maxFeatures: 'sqrt' | number;
  readonly maxDepth: number;
  readonly maxBins: number;
}

export const DEFAULT_FOREST: ForestParams = { nTrees: 100, maxFeatures: 'sqrt', maxDepth: 1000, maxBins: 256 };

export function fitForest(x: BinnedMatrix, binning: Binning, y: Uint8Array, params: ForestParams, random: Random): Tree[] {
  if (!(Number.isInteger(params.nTrees) && params.nTrees > 0)) throw new MlError(MlErrorCode.InvalidParams, `nTrees must be a positive integer, got ${params.nTrees}`);
  const F = x.cols;
  const mtry = params.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(F))) : Math.min(F, Math.max(1, Math.floor(params.maxFeatures)));
  const trees: Tree[] = [];
  for (let t = 0; t < params.nTrees; t++) trees.push(growTree(x, binning, y, params, mtry, random.fork(), 1 / params.nTrees));
  return trees;
}

function growTree(x: BinnedMatrix, binning: Binning, y: Uint8Array, params: ForestParams, mtry: number, random: Random, scale: number): Tree {
  const { rows: n, cols: F, bins } = x;
  const count = new Int32Array(n);
  // Bootstrap draws by multiply-shift on 32 random bits: bias below n / 2^32, far cheaper than nextInt.
  for (let k = 0; k < n; k++) count[Math.floor((random.nextUint32() * n) / 4294967296)]++;
  let m = 0;
  for (let i = 0; i < n; i++) if (count[i] > 0) m++;
  // In-bag rows and their class weights, kept aligned by position so partitioning moves all three and
  // the histogram loop reads weights sequentially.
  const idx = new Int32Array(m);
  const pw0 = new Float64Array(m);
  const pw1 = new Float64Array(m);
  let root0 = 0;
  let root1 = 0;
  for (let i = 0, k = 0; i < n; i++) {
    if (count[i] === 0) continue;
    idx[k] = i;
    if (y[i] === 1) {
      pw1[k] = count[i];
      root1 += count[i];
    } else {
      pw0[k] = count[i];
      root0 += count[i];
    }
    k++;
  }
  const h0 = new Float64Array(256);
  const h1 = new Float64Array(256);
  const perm = new Int32Array(F);
  const touched = new Int32Array(256);
  const builder = new TreeBuilder();
  // Work stack of [node, start, end, depth, weight0, weight1].
  const stack: number[][] = [[builder.addNode(), 0, m, 0, root0, root1]];
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
    let bestL0 = 0;
    let bestL1 = 0;
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
        if (h0[b] === 0 && h1[b] === 0) touched[k++] = b;
        h0[b] += pw0[r];
        h1[b] += pw1[r];
      }
      if (k < 2) {
        h0[touched[0]] = 0;
        h1[touched[0]] = 0;
        continue; // constant here: does not count towards mtry
      }
      tried++;
      const order = touched.subarray(0, k).sort();
      let l0 = 0;
      let l1 = 0;
      for (let t = 0; t < k - 1; t++) {
        const b = order[t];
        l0 += h0[b];
        l1 += h1[b];
        const l = l0 + l1;
        const r0 = w0 - l0;
        const r1 = w1 - l1;
        const score = (l0 * l0 + l1 * l1) / l + (r0 * r0 + r1 * r1) / (total - l);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = b;
          bestL0 = l0;
          bestL1 = l1;
        }
      }
      for (let t = 0; t < k; t++) {
        h0[order[t]] = 0;
        h1[order[t]] = 0;
      }
    }
    if (bestFeature < 0) {
      builder.setLeaf(node, Math.fround((w1 / total) * scale));
      continue;
    }
    // Partition idx[start, end) so rows going left come first.
    const off = bestFeature * n;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      if (bins[off + idx[lo]] <= bestBin) lo++;
      else {
        const ti = idx[lo];
        idx[lo] = idx[hi];
        idx[hi] = ti;
        const t0 = pw0[lo];
        pw0[lo] = pw0[hi];
        pw0[hi] = t0;
        const t1 = pw1[lo];
        pw1[lo] = pw1[hi];
        pw1[hi] = t1;
        hi--;
      }
    }
    const [left, right] = builder.split(node, bestFeature, bestBin, binning.thresholds[bestFeature][bestBin]);
    stack.push([right, lo, end, depth + 1, w0 - bestL0, w1 - bestL1]);
    stack.push([left, start, lo, depth + 1, bestL0, bestL1]);
  }
  return builder.build();
}

