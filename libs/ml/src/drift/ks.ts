// Two-sample Kolmogorov–Smirnov test, two-sided, exactly as scipy 1.10's ks_2samp(method='auto'):
// exact p-value when max(n1, n2) <= 10,000, else kstwo.sf(d, round(n1·n2/(n1+n2))).
import { DriftError } from './errors';
import { kolmogorovSf } from './kolmogorov';
import { roundHalfEven } from './special';
import { sortedCopy } from './sorted';

export interface KsResult {
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymp';
}

const MAX_EXACT_N = 10000;

/** KS test on two samples (any order; NaN must already be removed). */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  return ks2sampSorted(sortedCopy(a), sortedCopy(b));
}

/** KS test on two ascending samples. */
export function ks2sampSorted(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new DriftError('invalid_input', 'ks2samp: both samples must be non-empty');
  return ksPvalue(ksStatisticSorted(a, b), n1, n2);
}

/** sup |F1 - F2|, evaluated as numpy does: searchsorted(side='right')/n at every observed value. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  return Math.max(maxS, Math.min(1, -minS));
}

/** The p-value for statistic d, as ks_2samp picks it; the exact path snaps d to a multiple of 1/lcm. */
export function ksPvalue(d: number, n1: number, n2: number): KsResult {
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const exact = attemptExact(n1, n2, d);
    if (exact) return exact;
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return { statistic: d, pvalue: kolmogorovSf(roundHalfEven(en), d), method: 'asymp' };
}

function attemptExact(n1: number, n2: number, d: number): KsResult | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { statistic: snapped, pvalue: 1, method: 'exact' };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  // scipy falls back to the asymptotic form on overflow or an out-of-range result.
  if (!Number.isFinite(p) || p < 0 || p > 1) return undefined;
  return { statistic: snapped, pvalue: p, method: 'exact' };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

// Pr(D_{n,n} >= h/n) by the Horner-like alternating sum of scipy's _compute_prob_outside_square.
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

// 1 - Pr(paths stay strictly inside |x/m - y/n| < h/lcm), Viehmann's stable recursion (scipy's pythran kernel).
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}
