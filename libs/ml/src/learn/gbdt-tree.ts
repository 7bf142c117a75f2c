// One boosted tree, grown best-first on gradient/hessian histograms. Each histogram holds, per bin of
// every feature plus one slot for its missing values, [sum g, sum h, count] in one Float64Array; only the
// smaller child's is built from rows. Missing values take a learned direction per split, as scikit-learn's
// HistGradientBoosting: each threshold is tried with them on the left and on the right, and a split that
// sends every present value left and the missing ones right is a candidate too.
import { type Binning, type BinnedMatrix, MISSING_BIN } from './binning';
import { splitThreshold, type Tree, TreeBuilder } from './tree';

// A local copy: an imported binding is read through a getter in the CommonJS build, too slow for hot loops.
const MISSING: number = MISSING_BIN;

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
  missingLeft: boolean;
}

const MIN_HESSIAN = 1e-3;

/**
 * Row-major view of the bins for histogram building: multi-bin features as a dense row-major block of
 * slot indices (missing = nBins), two-bin features (one-hot columns mostly) as per-row lists of the
 * histogram slots of their bin 1 and missing values; their bin 0 is derived from the node totals, so a
 * one-hot block costs one update per row, not one per column.
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
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f] + nBins[f] + 1;
  const denseFeatures: number[] = [];
  const binary: number[] = [];
  for (let f = 0; f < F; f++) (nBins[f] === 2 ? binary : denseFeatures).push(f);
  const D = denseFeatures.length;
  const dense = new Uint8Array(n * D);
  denseFeatures.forEach((f, d) => {
    const missing = nBins[f];
    for (let i = 0, off = f * n; i < n; i++) {
      const b = bins[off + i];
      dense[i * D + d] = b === MISSING ? missing : b;
    }
  });
  const rowPtr = new Int32Array(n + 1);
  for (const f of binary) for (let i = 0, off = f * n; i < n; i++) if (bins[off + i] !== 0) rowPtr[i + 1]++;
  for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
  const activeSlots = new Int32Array(rowPtr[n]);
  const fill = rowPtr.slice(0, n);
  for (const f of binary) {
    for (let i = 0, off = f * n; i < n; i++) {
      const b = bins[off + i];
      if (b !== 0) activeSlots[fill[i]++] = (offsets[f] + (b === MISSING ? 2 : 1)) * 3;
    }
  }
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
      hist[k] = gSum - hist[k + 3] - hist[k + 6];
      hist[k + 1] = hSum - hist[k + 4] - hist[k + 7];
      hist[k + 2] = count - hist[k + 5] - hist[k + 8];
    }
    return hist;
  };

  const findSplit = (leaf: Leaf): void => {
    leaf.gain = 0;
    leaf.feature = -1;
    const count = leaf.end - leaf.start;
    const minLeaf = params.minSamplesLeaf;
    if (leaf.depth >= params.maxDepth || count < 2 * minLeaf || leaf.hist === null) return;
    const hist = leaf.hist;
    const G = leaf.g;
    const H = leaf.h;
    const parentScore = (G * G) / (H + lambda);
    // The best split so far, in locals (written to the leaf once at the end): this loop is hot.
    let bestGain = 0;
    let bestFeature = -1;
    let bestBin = -1;
    let bestMissingLeft = false;
    for (let f = 0; f < F; f++) {
      const base = offsets[f] * 3;
      const nb = nBins[f];
      const cm = hist[base + nb * 3 + 2];
      // Missing values to the right; with missing values, the last bin too (all present values left).
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const last = cm > 0 ? nb - 1 : nb - 2;
      for (let b = 0; b <= last; b++) {
        const k = base + b * 3;
        gl += hist[k];
        hl += hist[k + 1];
        cl += hist[k + 2];
        if (cl < minLeaf || hl < MIN_HESSIAN) continue;
        if (count - cl < minLeaf || H - hl < MIN_HESSIAN) break;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (H - hl + lambda) - parentScore;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          // No missing values here: at scoring time they follow the child that took more rows.
          bestMissingLeft = cm === 0 && cl > count - cl;
        }
      }
      if (cm === 0) continue;
      // Missing values to the left: scan from the right.
      let gr = 0;
      let hr = 0;
      let cr = 0;
      for (let b = nb - 2; b >= 0; b--) {
        const k = base + (b + 1) * 3;
        gr += hist[k];
        hr += hist[k + 1];
        cr += hist[k + 2];
        if (cr < minLeaf || hr < MIN_HESSIAN) continue;
        if (count - cr < minLeaf || H - hr < MIN_HESSIAN) break;
        const gl2 = G - gr;
        const gain = (gl2 * gl2) / (H - hr + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          bestMissingLeft = true;
        }
      }
    }
    leaf.gain = bestGain;
    leaf.feature = bestFeature;
    leaf.bin = bestBin;
    leaf.missingLeft = bestMissingLeft;
  };

  const makeLeaf = (node: number, start: number, end: number, depth: number, hist: Float64Array): Leaf => {
    // Totals from the first feature's slots: every row falls in exactly one of them (missing included).
    let g = 0;
    let h = 0;
    for (let b = 0; b <= nBins[0]; b++) {
      g += hist[b * 3];
      h += hist[b * 3 + 1];
    }
    const leaf: Leaf = { node, start, end, depth, g, h, hist, gain: 0, feature: -1, bin: -1, missingLeft: false };
    findSplit(leaf);
    return leaf;
  };

  const leaves: Leaf[] = [makeLeaf(builder.addNode(n), 0, n, 0, build(0, n))];
  while (leaves.length < params.maxLeafNodes) {
    let best = -1;
    for (let j = 0; j < leaves.length; j++)
      if (leaves[j].feature >= 0 && (best < 0 || leaves[j].gain > leaves[best].gain)) best = j;
    if (best < 0) break;
    const parent = leaves[best];
    // Stable partition, left rows first: rows stay ascending inside every node, so histogram building
    // reads the row-major bins forwards.
    const off = parent.feature * n;
    const bin = parent.bin;
    const missingLeft = parent.missingLeft;
    let lo = parent.start;
    let spill = 0;
    for (let r = parent.start; r < parent.end; r++) {
      const i = idx[r];
      const b = bins[off + i];
      if (b === MISSING ? missingLeft : b <= bin) idx[lo++] = i;
      else spillIdx[spill++] = i;
    }
    idx.set(spillIdx.subarray(0, spill), lo);
    const [leftNode, rightNode] = builder.split(
      parent.node,
      {
        feature: parent.feature,
        bin,
        threshold: splitThreshold(binning.thresholds[parent.feature], bin),
        missingLeft,
        gain: parent.gain,
      },
      lo - parent.start,
      parent.end - lo,
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
