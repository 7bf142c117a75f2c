// Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2; the recursion of shap's
// tree_shap.h): the Shapley values of one tree's output for one row, where a feature left out of a
// coalition is integrated over the tree's own training cover. O(leaves x depth^2) per row and tree.
import type { Tree } from './tree';

/** Working memory for one tree: the unique-path stack, one frame per depth. */
export class TreeShapScratch {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;

  constructor(readonly maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

export function treeDepth(tree: Tree): number {
  let deepest = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const node = stack.pop()!;
    if (tree.feature[node] < 0) deepest = Math.max(deepest, depth);
    else stack.push(tree.left[node], depth + 1, tree.right[node], depth + 1);
  }
  return deepest;
}

/** The tree's expected output over its training cover (the value every attribution is measured from). */
export function treeExpectedValue(tree: Tree): number {
  let sum = 0;
  for (let j = 0; j < tree.feature.length; j++) if (tree.feature[j] < 0) sum += tree.value[j] * tree.cover[j];
  return sum / tree.cover[0];
}

/**
 * Adds the tree's SHAP values for one row to phi (indexed by encoded feature). `x` holds the row's encoded
 * features; a missing value (NaN) follows the split's learned direction, as in scoring.
 */
export function treeShap(tree: Tree, x: ArrayLike<number>, phi: Float64Array, scratch: TreeShapScratch): void {
  recurse(tree, x, phi, scratch, 0, 0, 0, 1, 1, -1);
}

// Plain functions over the scratch arrays (no closures): this runs O(leaves x depth^2) per tree and row.
function recurse(
  tree: Tree,
  x: ArrayLike<number>,
  phi: Float64Array,
  s: TreeShapScratch,
  node: number,
  depth: number,
  parentStart: number,
  zeroFraction: number,
  oneFraction: number,
  parentFeature: number,
): void {
  const pf = s.feature;
  const pz = s.zero;
  const po = s.one;
  const pw = s.weight;
  // Copy the parent's path into this frame, then extend it with the split that led here.
  const start = parentStart + depth;
  for (let k = 0; k < depth; k++) {
    pf[start + k] = pf[parentStart + k];
    pz[start + k] = pz[parentStart + k];
    po[start + k] = po[parentStart + k];
    pw[start + k] = pw[parentStart + k];
  }
  extend(s, start, depth, zeroFraction, oneFraction, parentFeature);
  const split = tree.feature[node];
  if (split < 0) {
    const leaf = tree.value[node];
    for (let k = 1; k <= depth; k++) {
      const w = unwoundSum(s, start, depth, k);
      phi[pf[start + k]] += w * (po[start + k] - pz[start + k]) * leaf;
    }
    return;
  }
  const v = x[split];
  const goesLeft = v <= tree.threshold[node] || (v !== v && tree.missingLeft[node] === 1);
  const hot = goesLeft ? tree.left[node] : tree.right[node];
  const cold = goesLeft ? tree.right[node] : tree.left[node];
  let incomingZero = 1;
  let incomingOne = 1;
  let d = depth;
  let k = 0;
  while (k <= d && pf[start + k] !== split) k++;
  if (k <= d) {
    // This feature was split on above: undo that step so it is redone here.
    incomingZero = pz[start + k];
    incomingOne = po[start + k];
    unwind(s, start, d, k);
    d--;
  }
  const cover = tree.cover;
  const w = cover[node];
  recurse(tree, x, phi, s, hot, d + 1, start, (cover[hot] / w) * incomingZero, incomingOne, split);
  recurse(tree, x, phi, s, cold, d + 1, start, (cover[cold] / w) * incomingZero, 0, split);
}

function extend(
  s: TreeShapScratch,
  start: number,
  depth: number,
  zeroFraction: number,
  oneFraction: number,
  f: number,
): void {
  const pw = s.weight;
  s.feature[start + depth] = f;
  s.zero[start + depth] = zeroFraction;
  s.one[start + depth] = oneFraction;
  pw[start + depth] = depth === 0 ? 1 : 0;
  const scale = 1 / (depth + 1);
  for (let i = depth - 1; i >= 0; i--) {
    pw[start + i + 1] += oneFraction * pw[start + i] * (i + 1) * scale;
    pw[start + i] = zeroFraction * pw[start + i] * (depth - i) * scale;
  }
}

function unwind(s: TreeShapScratch, start: number, depth: number, index: number): void {
  const pw = s.weight;
  const oneFraction = s.one[start + index];
  const zeroFraction = s.zero[start + index];
  let next = pw[start + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (oneFraction !== 0) {
      const tmp = pw[start + i];
      pw[start + i] = (next * (depth + 1)) / ((i + 1) * oneFraction);
      next = tmp - (pw[start + i] * zeroFraction * (depth - i)) / (depth + 1);
    } else {
      pw[start + i] = (pw[start + i] * (depth + 1)) / (zeroFraction * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    s.feature[start + i] = s.feature[start + i + 1];
    s.zero[start + i] = s.zero[start + i + 1];
    s.one[start + i] = s.one[start + i + 1];
  }
}

function unwoundSum(s: TreeShapScratch, start: number, depth: number, index: number): number {
  const pw = s.weight;
  const oneFraction = s.one[start + index];
  const zeroFraction = s.zero[start + index];
  let next = pw[start + depth];
  let total = 0;
  if (oneFraction !== 0) {
    const inv = 1 / oneFraction;
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = (next * inv) / (i + 1);
      total += tmp;
      next = pw[start + i] - tmp * zeroFraction * (depth - i);
    }
  } else {
    const inv = 1 / zeroFraction;
    for (let i = depth - 1; i >= 0; i--) total += (pw[start + i] * inv) / (depth - i);
  }
  return total * (depth + 1);
}
