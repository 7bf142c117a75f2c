// 1-D Wasserstein (earth mover's) distance, unweighted, as scipy.stats.wasserstein_distance:
// the integral of |F_u - F_v| over the merged sorted values.
import { CompensatedSum } from './special';
import { sortedCopy } from './sorted';

export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return wassersteinSorted(sortedCopy(u), sortedCopy(v));
}

/** Both inputs ascending and non-empty. */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  const sum = new CompensatedSum();
  let i = 0;
  let j = 0;
  let prev = Math.min(u[0], v[0]);
  while (i < nu || j < nv) {
    const x = j >= nv || (i < nu && u[i] <= v[j]) ? u[i] : v[j];
    // |F_u - F_v| is constant on [prev, x): counts of values <= prev.
    if (x > prev) sum.add(Math.abs(i / nu - j / nv) * (x - prev));
    while (i < nu && u[i] <= x) i++;
    while (j < nv && v[j] <= x) j++;
    prev = x;
  }
  return sum.value();
}

/** Wasserstein divided by the reference's population standard deviation, floored at 0.001 (Evidently's norm). */
export function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, 0.001);
}
