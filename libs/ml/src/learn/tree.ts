// A binary decision tree in flat typed arrays. A row goes left when x[feature] <= threshold, which is
// BRANCH_LEQ in ONNX; a missing value (NaN) goes left when missingLeft is set (ONNX's
// nodes_missing_value_tracks_true), else right. Leaves have feature -1 and carry a float32 value.
import { MISSING_BIN } from './binning';
import type { FeatureMatrix } from './preprocess';

// A local copy: an imported binding is read through a getter in the CommonJS build, too slow for hot loops.
const MISSING: number = MISSING_BIN;

export interface Tree {
  readonly feature: Int32Array;
  /** Split value; +Infinity for a split that sends every present value left and missing ones right. */
  readonly threshold: Float32Array;
  /** The bin index of the threshold, for scoring binned training data. */
  readonly thresholdBin: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** 1 where a missing value goes left. */
  readonly missingLeft: Uint8Array;
  readonly value: Float32Array;
  /** Training weight that reached each node (rows, or bootstrap draws), for TreeSHAP. */
  readonly cover: Float32Array;
  /** Loss reduction of each split (0 at leaves), for gain importances. */
  readonly gain: Float64Array;
}

/** Grows a tree node by node; node ids are assigned in creation order, the root is 0. */
export class TreeBuilder {
  private feature: number[] = [];
  private threshold: number[] = [];
  private thresholdBin: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private missingLeft: number[] = [];
  private value: number[] = [];
  private cover: number[] = [];
  private gain: number[] = [];

  addNode(cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.thresholdBin.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.missingLeft.push(0);
    this.value.push(0);
    this.cover.push(cover);
    this.gain.push(0);
    return this.feature.length - 1;
  }

  setLeaf(node: number, value: number): void {
    this.value[node] = value;
  }

  /** Turns a leaf into a split and returns its [left, right] children. */
  split(node: number, split: Split, coverLeft: number, coverRight: number): [number, number] {
    const l = this.addNode(coverLeft);
    const r = this.addNode(coverRight);
    this.feature[node] = split.feature;
    this.thresholdBin[node] = split.bin;
    this.threshold[node] = split.threshold;
    this.missingLeft[node] = split.missingLeft ? 1 : 0;
    this.gain[node] = split.gain;
    this.left[node] = l;
    this.right[node] = r;
    return [l, r];
  }

  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      thresholdBin: Int32Array.from(this.thresholdBin),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      missingLeft: Uint8Array.from(this.missingLeft),
      value: Float32Array.from(this.value),
      cover: Float32Array.from(this.cover),
      gain: Float64Array.from(this.gain),
    };
  }
}

export interface Split {
  readonly feature: number;
  readonly bin: number;
  readonly threshold: number;
  readonly missingLeft: boolean;
  readonly gain: number;
}

/** The split value of bin b: its upper threshold, or +Infinity for the last bin (all present values left). */
export function splitThreshold(thresholds: Float32Array, bin: number): number {
  return bin < thresholds.length ? thresholds[bin] : Infinity;
}

/** The leaf a row reaches, reading feature f of the row through `at(f)`. */
export function leafOf(tree: Tree, at: (f: number) => number): number {
  const { feature, threshold, left, right, missingLeft } = tree;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    const x = at(f);
    node = x <= threshold[node] ? left[node] : x === x || missingLeft[node] === 0 ? right[node] : left[node];
    f = feature[node];
  }
  return node;
}

/**
 * Sum of leaf values over the trees, plus `base`, accumulated in float32 in tree order as onnxruntime's
 * TreeEnsembleClassifier accumulates, so exported and TypeScript scores agree (to about 3e-7 on the
 * e-commerce data; summation order inside onnxruntime can differ in the last float32 bit).
 */
export function sumTrees(trees: readonly Tree[], x: FeatureMatrix, base: number): Float64Array {
  const { rows, data } = x;
  const out = new Float64Array(rows);
  const f32 = Math.fround;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (const tree of trees) {
      const { feature, threshold, left, right, missingLeft } = tree;
      let node = 0;
      let f = feature[0];
      while (f >= 0) {
        const v = data[f * rows + i];
        node = v <= threshold[node] ? left[node] : v === v || missingLeft[node] === 0 ? right[node] : left[node];
        f = feature[node];
      }
      s = f32(s + tree.value[node]);
    }
    out[i] = f32(s + base);
  }
  return out;
}

/** The leaf value of one tree for every row of a binned matrix (bins[f * rows + i]). */
export function addTreeBinned(tree: Tree, bins: Uint8Array, rows: number, out: Float64Array): void {
  const { feature, thresholdBin, left, right, value, missingLeft } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      const b = bins[f * rows + i];
      node =
        b === MISSING
          ? missingLeft[node] === 1
            ? left[node]
            : right[node]
          : b <= thresholdBin[node]
            ? left[node]
            : right[node];
      f = feature[node];
    }
    out[i] += value[node];
  }
}
