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
  const { rows: n, cols: F, bins, nBins } = x;
  const count = new Int32Array(n);
  for (let k = 0; k < n; k++) count[random.nextInt(n)]++;
  let m = 0;
  for (let i = 0; i < n; i++) if (count[i] > 0) m++;
  const idx = new Int32Array(m);
  let root0 = 0;
  let root1 = 0;
  for (let i = 0, k = 0; i < n; i++) {
    if (count[i] === 0) continue;
    idx[k++] = i;
    if (y[i] === 1) root1 += count[i];
    else root0 += count[i];
  }
  const h0 = new Float64Array(256);
  const h1 = new Float64Array(256);
  const perm = new Int32Array(F);
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
    for (let k = 0; k < F && tried < mtry; k++) {
      const j = k + random.nextInt(F - k);
      const f = perm[j];
      perm[j] = perm[k];
      perm[k] = f;
      const off = f * n;
      let minB = 255;
      let maxB = 0;
      for (let r = start; r < end; r++) {
        const i = idx[r];
        const b = bins[off + i];
        if (y[i] === 1) h1[b] += count[i];
        else h0[b] += count[i];
        if (b < minB) minB = b;
        if (b > maxB) maxB = b;
      }
      if (minB === maxB || nBins[f] < 2) {
        h0[minB] = 0;
        h1[minB] = 0;
        continue; // constant here: does not count towards mtry
      }
      tried++;
      let l0 = 0;
      let l1 = 0;
      for (let b = minB; b < maxB; b++) {
        const c0 = h0[b];
        const c1 = h1[b];
        if (c0 === 0 && c1 === 0) continue;
        l0 += c0;
        l1 += c1;
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
      h0.fill(0, minB, maxB + 1);
      h1.fill(0, minB, maxB + 1);
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
        const t = idx[lo];
        idx[lo] = idx[hi];
        idx[hi--] = t;
      }
    }
    const [left, right] = builder.split(node, bestFeature, bestBin, binning.thresholds[bestFeature][bestBin]);
    stack.push([right, lo, end, depth + 1, w0 - bestL0, w1 - bestL1]);
    stack.push([left, start, lo, depth + 1, bestL0, bestL1]);
  }
  return builder.build();
}
