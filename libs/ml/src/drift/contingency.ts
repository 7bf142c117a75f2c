// Tests on category counts: chi-squared homogeneity (scipy.stats.chi2_contingency on the 2 × K table)
// and the pooled two-proportion Z-test for binary columns.
import { chi2Sf, normalTwoSided } from './special';

export interface Chi2Result {
  statistic: number;
  pvalue: number;
  dof: number;
}

/**
 * Reference and current counts per category (same order). Yates' correction only when dof = 1.
 * Categories empty on both sides must be left out by the caller (scipy rejects zero expected counts).
 */
export function chi2Contingency(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  correction = true,
): Chi2Result {
  const k = reference.length;
  let r0 = 0;
  let r1 = 0;
  for (let i = 0; i < k; i++) {
    r0 += reference[i];
    r1 += current[i];
  }
  const total = r0 + r1;
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1, dof };
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const col = reference[i] + current[i];
    stat +=
      cell(reference[i], (r0 * col) / total, dof, correction) + cell(current[i], (r1 * col) / total, dof, correction);
  }
  return { statistic: stat, pvalue: chi2Sf(stat, dof), dof };
}

function cell(observed: number, expected: number, dof: number, correction: boolean): number {
  let o = observed;
  if (dof === 1 && correction) {
    const diff = expected - o;
    o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
  }
  return (o - expected) ** 2 / expected;
}

export interface ZTestResult {
  statistic: number;
  pvalue: number;
}

/** Pooled two-proportion Z-test of x1/n1 against x2/n2; p = 2·P(Z > |z|). Identical constant windows give p = 1. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const denom = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (denom === 0) return { statistic: 0, pvalue: 1 };
  const z = (p1 - p2) / denom;
  return { statistic: z, pvalue: normalTwoSided(z) };
}
