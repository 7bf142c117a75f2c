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
 * Adds the tree's SHAP values for one row to phi (indexed by encoded feature). `at(f)` reads feature f of
 * the row; a missing value (NaN) follows the split's learned direction, as in scoring.
 */
export function treeShap(tree: Tree, at: (f: number) => number, phi: Float64Array, scratch: TreeShapScratch): void {
  const { feature, threshold, left, right, missingLeft, value, cover } = tree;
  const { feature: pf, zero: pz, one: po, weight: pw } = scratch;

  const recurse = (
    node: number,
    depth: number,
    parentStart: number,
    zeroFraction: number,
    oneFraction: number,
    parentFeature: number,
  ): void => {
    // Copy the parent's path into this frame, then extend it with the split that led here.
    const start = parentStart + depth;
    for (let k = 0; k < depth; k++) {
      pf[start + k] = pf[parentStart + k];
      pz[start + k] = pz[parentStart + k];
      po[start + k] = po[parentStart + k];
      pw[start + k] = pw[parentStart + k];
    }
    extend(start, depth, zeroFraction, oneFraction, parentFeature);
    const split = feature[node];
    if (split < 0) {
      for (let k = 1; k <= depth; k++) {
        const w = unwoundSum(start, depth, k);
        phi[pf[start + k]] += w * (po[start + k] - pz[start + k]) * value[node];
      }
      return;
    }
    const x = at(split);
    const goesLeft = x <= threshold[node] || (x !== x && missingLeft[node] === 1);
    const hot = goesLeft ? left[node] : right[node];
    const cold = goesLeft ? right[node] : left[node];
    let incomingZero = 1;
    let incomingOne = 1;
    let d = depth;
    let k = 0;
    while (k <= d && pf[start + k] !== split) k++;
    if (k <= d) {
      // This feature was split on above: undo that step so it is redone here.
      incomingZero = pz[start + k];
      incomingOne = po[start + k];
      unwind(start, d, k);
      d--;
    }
    const w = cover[node];
    recurse(hot, d + 1, start, (cover[hot] / w) * incomingZero, incomingOne, split);
    recurse(cold, d + 1, start, (cover[cold] / w) * incomingZero, 0, split);
  };

  const extend = (s: number, depth: number, zeroFraction: number, oneFraction: number, f: number): void => {
    pf[s + depth] = f;
    pz[s + depth] = zeroFraction;
    po[s + depth] = oneFraction;
    pw[s + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[s + i + 1] += (oneFraction * pw[s + i] * (i + 1)) / (depth + 1);
      pw[s + i] = (zeroFraction * pw[s + i] * (depth - i)) / (depth + 1);
    }
  };

  const unwind = (s: number, depth: number, index: number): void => {
    const oneFraction = po[s + index];
    const zeroFraction = pz[s + index];
    let next = pw[s + depth];
    for (let i = depth - 1; i >= 0; i--) {
      if (oneFraction !== 0) {
        const tmp = pw[s + i];
        pw[s + i] = (next * (depth + 1)) / ((i + 1) * oneFraction);
        next = tmp - (pw[s + i] * zeroFraction * (depth - i)) / (depth + 1);
      } else {
        pw[s + i] = (pw[s + i] * (depth + 1)) / (zeroFraction * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      pf[s + i] = pf[s + i + 1];
      pz[s + i] = pz[s + i + 1];
      po[s + i] = po[s + i + 1];
    }
  };

  const unwoundSum = (s: number, depth: number, index: number): number => {
    const oneFraction = po[s + index];
    const zeroFraction = pz[s + index];
    let next = pw[s + depth];
    let total = 0;
    if (oneFraction !== 0) {
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = next / ((i + 1) * oneFraction);
        total += tmp;
        next = pw[s + i] - tmp * zeroFraction * (depth - i);
      }
    } else {
      for (let i = depth - 1; i >= 0; i--) total += pw[s + i] / (zeroFraction * (depth - i));
    }
    return total * (depth + 1);
  };

  recurse(0, 0, 0, 1, 1, -1);
}
