// Statistics on weighted step CDFs, used when either side is a KLL sketch (an exact window is the special
// case of unit weights). Error: a rank error of ε·n on each side moves |F1 − F2| by at most ε1 + ε2.
import type { WeightedCdf } from './kll';
import { CompensatedSum } from './special';

/** Unit-weight step CDF of an ascending array (ties collapsed). */
export function cdfOfSorted(sorted: Float64Array): WeightedCdf {
  const values: number[] = [];
  const cumulative: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (values.length > 0 && values[values.length - 1] === sorted[i]) cumulative[cumulative.length - 1] = i + 1;
    else {
      values.push(sorted[i]);
      cumulative.push(i + 1);
    }
  }
  return { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative), total: sorted.length };
}

// Walks the union of both supports, calling visit(x, F1(x), F2(x)) at each support point in order.
function walk(a: WeightedCdf, b: WeightedCdf, visit: (x: number, fa: number, fb: number) => void): void {
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i] <= b.values[j]) ? a.values[i] : b.values[j];
    if (i < a.values.length && a.values[i] === x) i++;
    if (j < b.values.length && b.values[j] === x) j++;
    visit(x, i > 0 ? a.cumulative[i - 1] / a.total : 0, j > 0 ? b.cumulative[j - 1] / b.total : 0);
  }
}

export function ksStatisticCdf(a: WeightedCdf, b: WeightedCdf): number {
  let d = 0;
  walk(a, b, (_x, fa, fb) => {
    d = Math.max(d, Math.abs(fa - fb));
  });
  return Math.min(1, d);
}

export function wassersteinCdf(a: WeightedCdf, b: WeightedCdf): number {
  const sum = new CompensatedSum();
  let prev = Number.NaN;
  let last = 0;
  walk(a, b, (x, fa, fb) => {
    if (!Number.isNaN(prev)) sum.add(last * (x - prev));
    prev = x;
    last = Math.abs(fa - fb);
  });
  return sum.value();
}

/** Weight of values < x. */
function weightBelow(c: WeightedCdf, x: number): number {
  let lo = 0;
  let hi = c.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? c.cumulative[lo - 1] : 0;
}

/** Counts in equal-width bins [e_i, e_i+1), the last closed, from a weighted CDF. */
export function histogramCdf(c: WeightedCdf, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    const hi = i === bins - 1 ? c.total : weightBelow(c, edges[i + 1]);
    counts[i] = Math.max(0, hi - weightBelow(c, edges[i]));
  }
  return counts;
}

/** Quantile (lower, by weight) of a weighted CDF: the smallest value whose cumulative weight reaches q·total. */
export function quantileCdf(c: WeightedCdf, q: number): number {
  const target = q * c.total;
  let lo = 0;
  let hi = c.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return c.values[lo];
}

/** Counts in right-closed bins (-inf, e1], …, (e_last, +inf) from a weighted CDF. */
export function rightClosedCountsCdf(c: WeightedCdf, edges: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let prev = 0;
  for (let i = 0; i < edges.length; i++) {
    const atMost = c.total - weightAbove(c, edges[i]);
    counts[i] = Math.max(0, atMost - prev);
    prev = atMost;
  }
  counts[edges.length] = Math.max(0, c.total - prev);
  return counts;
}

function weightAbove(c: WeightedCdf, x: number): number {
  let lo = 0;
  let hi = c.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return c.total - (lo > 0 ? c.cumulative[lo - 1] : 0);
}
