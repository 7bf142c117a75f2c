// A binary decision tree in flat typed arrays. A row goes left when x[feature] <= threshold, which is
// BRANCH_LEQ in ONNX; leaves have feature -1 and carry a float32 value.
import type { FeatureMatrix } from './preprocess';

export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** The bin index of the threshold, for scoring binned training data. */
  readonly thresholdBin: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array;
}

/** Grows a tree node by node; node ids are assigned in creation order, the root is 0. */
export class TreeBuilder {
  private feature: number[] = [];
  private threshold: number[] = [];
  private thresholdBin: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];

  addNode(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.thresholdBin.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    return this.feature.length - 1;
  }

  setLeaf(node: number, value: number): void {
    this.value[node] = value;
  }

  /** Turns a leaf into a split and returns its [left, right] children. */
  split(node: number, feature: number, bin: number, threshold: number): [number, number] {
    const l = this.addNode();
    const r = this.addNode();
    this.feature[node] = feature;
    this.thresholdBin[node] = bin;
    this.threshold[node] = threshold;
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
      value: Float32Array.from(this.value),
    };
  }
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
      const { feature, threshold, left, right } = tree;
      let node = 0;
      let f = feature[0];
      while (f >= 0) {
        node = data[f * rows + i] <= threshold[node] ? left[node] : right[node];
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
  const { feature, thresholdBin, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      node = bins[f * rows + i] <= thresholdBin[node] ? left[node] : right[node];
      f = feature[node];
    }
    out[i] += value[node];
  }
}
