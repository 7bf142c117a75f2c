// Histograms and quantiles exactly as numpy builds them, so bin membership matches value for value.

/** numpy.histogram_bin_edges(values, bins) for the range [min, max]. */
export function equalWidthEdges(min: number, max: number, bins: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy.linspace: i * step + start, with the last edge set to stop exactly.
  const step = (last - first) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** Bin index of x for equal-width edges, the last bin closed on the right (numpy's fast path). */
export function equalWidthBin(x: number, edges: Float64Array): number {
  const bins = edges.length - 1;
  const first = edges[0];
  const norm = bins / (edges[bins] - first);
  let k = Math.floor((x - first) * norm);
  if (k >= bins) k = bins - 1;
  if (k < 0) k = 0;
  if (x < edges[k]) k--;
  else if (x >= edges[k + 1] && k !== bins - 1) k++;
  return k;
}

/** Counts of ascending values falling in equal-width edges (values outside [first, last] are dropped). */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i];
    if (x < edges[0] || x > edges[bins]) continue;
    counts[equalWidthBin(x, edges)]++;
  }
  return counts;
}

/** numpy.quantile(sorted, q) with the default 'linear' method. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const vi = (n - 1) * q;
  if (vi >= n - 1) return sorted[n - 1];
  if (vi <= 0) return sorted[0];
  const prev = Math.floor(vi);
  const a = sorted[prev];
  const b = sorted[prev + 1];
  const t = vi - prev;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Interior quantile edges i/N (i = 1..N-1) of a sorted reference, duplicates removed. */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sorted, i / bins);
    if (edges.length === 0 || edges[edges.length - 1] !== e) edges.push(e);
  }
  return edges;
}

/** Bin of x among right-closed bins (-inf, e1], (e1, e2], ..., (e_last, +inf). */
export function rightClosedBin(x: number, edges: ArrayLike<number>): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
