// One boosted tree, grown best-first on gradient/hessian histograms. Each histogram holds, per bin of
// every feature, [sum g, sum h, count] in one Float64Array; only the smaller child's is built from rows.
import type { Binning, BinnedMatrix } from './binning';
import { type Tree, TreeBuilder } from './tree';

export interface GrowParams {
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  /** L2 regularisation of leaf values. */
  readonly l2: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  gain: number;
  feature: number;
  bin: number;
}

const MIN_HESSIAN = 1e-3;

/**
 * Row-major view of the bins for histogram building: multi-bin features as a dense row-major block,
 * two-bin features (one-hot columns mostly) as per-row lists of the histogram slot of their bin 1;
 * their bin 0 is derived from the node totals, so a one-hot block costs one update per row, not one
 * per column.
 */
export interface HistLayout {
  readonly offsets: Int32Array;
  readonly histSize: number;
  readonly denseSlots: Int32Array;
  readonly dense: Uint8Array;
  readonly binary: Int32Array;
  readonly rowPtr: Int32Array;
  readonly activeSlots: Int32Array;
}

export function histLayout(x: BinnedMatrix): HistLayout {
  const { rows: n, cols: F, bins, nBins } = x;
  const offsets = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f] + nBins[f];
  const denseFeatures: number[] = [];
  const binary: number[] = [];
  for (let f = 0; f < F; f++) (nBins[f] === 2 ? binary : denseFeatures).push(f);
  const D = denseFeatures.length;
  const dense = new Uint8Array(n * D);
  denseFeatures.forEach((f, d) => {
    for (let i = 0, off = f * n; i < n; i++) dense[i * D + d] = bins[off + i];
  });
  const rowPtr = new Int32Array(n + 1);
  for (const f of binary) for (let i = 0, off = f * n; i < n; i++) if (bins[off + i] === 1) rowPtr[i + 1]++;
  for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
  const activeSlots = new Int32Array(rowPtr[n]);
  const fill = rowPtr.slice(0, n);
  for (const f of binary)
    for (let i = 0, off = f * n; i < n; i++) if (bins[off + i] === 1) activeSlots[fill[i]++] = (offsets[f] + 1) * 3;
  return {
    offsets,
    histSize: offsets[F] * 3,
    denseSlots: Int32Array.from(denseFeatures, (f) => offsets[f] * 3),
    dense,
    binary: Int32Array.from(binary),
    rowPtr,
    activeSlots,
  };
}

export function growBoostedTree(
  x: BinnedMatrix,
  layout: HistLayout,
  binning: Binning,
  grad: Float64Array,
  hess: Float64Array,
  params: GrowParams,
  learningRate: number,
  raw: Float64Array,
): Tree {
  const { rows: n, cols: F, bins, nBins } = x;
  const { offsets, histSize, denseSlots, dense, binary, rowPtr, activeSlots } = layout;
  const D = denseSlots.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const spillIdx = new Int32Array(n);
  const builder = new TreeBuilder();
  const lambda = params.l2;

  const build = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(histSize);
    let gSum = 0;
    let hSum = 0;
    for (let r = start; r < end; r++) {
      const i = idx[r];
      const g = grad[i];
      const h = hess[i];
      gSum += g;
      hSum += h;
      const base = i * D;
      for (let d = 0; d < D; d++) {
        const k = denseSlots[d] + dense[base + d] * 3;
        hist[k] += g;
        hist[k + 1] += h;
        hist[k + 2] += 1;
      }
      for (let a = rowPtr[i]; a < rowPtr[i + 1]; a++) {
        const k = activeSlots[a];
        hist[k] += g;
        hist[k + 1] += h;
        hist[k + 2] += 1;
      }
    }
    const count = end - start;
    for (let j = 0; j < binary.length; j++) {
      const k = offsets[binary[j]] * 3;
      hist[k] = gSum - hist[k + 3];
      hist[k + 1] = hSum - hist[k + 4];
      hist[k + 2] = count - hist[k + 5];
    }
    return hist;
  };

  const findSplit = (leaf: Leaf): void => {
    leaf.gain = 0;
    leaf.feature = -1;
    const count = leaf.end - leaf.start;
    if (leaf.depth >= params.maxDepth || count < 2 * params.minSamplesLeaf || leaf.hist === null) return;
    const hist = leaf.hist;
    const parentScore = (leaf.g * leaf.g) / (leaf.h + lambda);
    for (let f = 0; f < F; f++) {
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const base = offsets[f] * 3;
      const last = nBins[f] - 1;
      for (let b = 0; b < last; b++) {
        const k = base + b * 3;
        gl += hist[k];
        hl += hist[k + 1];
        cl += hist[k + 2];
        if (cl < params.minSamplesLeaf || hl < MIN_HESSIAN) continue;
        if (count - cl < params.minSamplesLeaf) break;
        const gr = leaf.g - gl;
        const hr = leaf.h - hl;
        if (hr < MIN_HESSIAN) break;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > leaf.gain + 1e-12) {
          leaf.gain = gain;
          leaf.feature = f;
          leaf.bin = b;
        }
      }
    }
  };

  const makeLeaf = (node: number, start: number, end: number, depth: number, hist: Float64Array): Leaf => {
    // Totals from the first feature's bins: every row falls in exactly one of them.
    let g = 0;
    let h = 0;
    for (let b = 0; b < nBins[0]; b++) {
      g += hist[b * 3];
      h += hist[b * 3 + 1];
    }
    const leaf: Leaf = { node, start, end, depth, g, h, hist, gain: 0, feature: -1, bin: -1 };
    findSplit(leaf);
    return leaf;
  };

  const leaves: Leaf[] = [makeLeaf(builder.addNode(), 0, n, 0, build(0, n))];
  while (leaves.length < params.maxLeafNodes) {
    let best = -1;
    for (let j = 0; j < leaves.length; j++)
      if (leaves[j].feature >= 0 && (best < 0 || leaves[j].gain > leaves[best].gain)) best = j;
    if (best < 0) break;
    const parent = leaves[best];
    // Stable partition, left rows first: rows stay ascending inside every node, so histogram building
    // reads the row-major bins forwards.
    const off = parent.feature * n;
    let lo = parent.start;
    let spill = 0;
    for (let r = parent.start; r < parent.end; r++) {
      const i = idx[r];
      if (bins[off + i] <= parent.bin) idx[lo++] = i;
      else spillIdx[spill++] = i;
    }
    idx.set(spillIdx.subarray(0, spill), lo);
    const [leftNode, rightNode] = builder.split(
      parent.node,
      parent.feature,
      parent.bin,
      binning.thresholds[parent.feature][parent.bin],
    );
    const leftSmaller = lo - parent.start <= parent.end - lo;
    const small = leftSmaller ? build(parent.start, lo) : build(lo, parent.end);
    const large = parent.hist!;
    for (let k = 0; k < histSize; k++) large[k] -= small[k];
    const depth = parent.depth + 1;
    const left = makeLeaf(leftNode, parent.start, lo, depth, leftSmaller ? small : large);
    const right = makeLeaf(rightNode, lo, parent.end, depth, leftSmaller ? large : small);
    leaves.splice(best, 1, left, right);
  }
  for (const leaf of leaves) {
    const denom = leaf.h + lambda;
    const value = denom > 0 ? Math.fround((-learningRate * leaf.g) / denom) : 0;
    builder.setLeaf(leaf.node, value);
    for (let r = leaf.start; r < leaf.end; r++) raw[idx[r]] += value;
    leaf.hist = null;
  }
  return builder.build();
}
