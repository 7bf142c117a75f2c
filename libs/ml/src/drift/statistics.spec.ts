// Every statistic against scipy 1.10 / numpy reference values (see __fixtures__/make-reference.py).
import reference from './__fixtures__/scipy-reference.json';
import { sample, SampleSpec } from './__fixtures__/samples';
import { ks2samp } from './ks';
import { kolmogorovSf } from './kolmogorov';
import { wassersteinDistance, normedWasserstein } from './wasserstein';
import { equalWidthEdges, histogramSorted, quantileEdges, rightClosedBin } from './binning';
import { jensenShannonDistance, populationStabilityIndex } from './divergence';
import { chi2Contingency, twoProportionZTest } from './contingency';
import { chi2Sf } from './special';
import { sortedCopy } from './sorted';

function expectStatistic(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

function expectPvalue(actual: number, expected: number): void {
  if (Math.abs(expected) < 1e-6)
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-12, 1e-6 * expected));
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * expected);
}

function std(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

describe('drift statistics against scipy', () => {
  const cases = reference.numeric.map((c) => [c.name, c] as const);

  it.each(cases)('should match ks_2samp statistic and p-value when the windows are %s', (_name, c) => {
    const a = sample(c.a as SampleSpec);
    const b = sample(c.b as SampleSpec);
    const ks = ks2samp(a, b);
    expectStatistic(ks.statistic, c.ks_statistic);
    expectPvalue(ks.pvalue, c.ks_pvalue);
  });

  it.each(cases)('should match wasserstein_distance and its normed form when the windows are %s', (_name, c) => {
    const a = sample(c.a as SampleSpec);
    const b = sample(c.b as SampleSpec);
    const wd = wassersteinDistance(a, b);
    expectStatistic(wd, c.wasserstein);
    expectStatistic(normedWasserstein(wd, std(a)), c.wasserstein_normed);
  });

  it.each(cases)('should match binned Jensen–Shannon and quantile PSI when the windows are %s', (_name, c) => {
    const a = sortedCopy(sample(c.a as SampleSpec));
    const b = sortedCopy(sample(c.b as SampleSpec));
    const edges = equalWidthEdges(Math.min(a[0], b[0]), Math.max(a[a.length - 1], b[b.length - 1]), c.bins);
    expectStatistic(jensenShannonDistance(histogramSorted(a, edges), histogramSorted(b, edges)), c.jensen_shannon);
    const q = quantileEdges(a, c.bins);
    const ca = new Float64Array(q.length + 1);
    const cb = new Float64Array(q.length + 1);
    for (const x of a) ca[rightClosedBin(x, q)]++;
    for (const x of b) cb[rightClosedBin(x, q)]++;
    expectStatistic(populationStabilityIndex(ca, cb), c.psi);
  });

  it('should match kstwo.sf on every branch of its method choice when n and x vary', () => {
    for (const p of reference.kstwo) expectPvalue(kolmogorovSf(p.n, p.x), p.sf);
  });

  it('should match chi2_contingency, jensenshannon and PSI when given category counts', () => {
    for (const t of reference.chi2) {
      const keep = t.ref.map((r, i) => r + t.cur[i] > 0);
      const res = chi2Contingency(
        t.ref.filter((_, i) => keep[i]),
        t.cur.filter((_, i) => keep[i]),
      );
      expect(res.dof).toBe(t.dof);
      expectStatistic(res.statistic, t.statistic);
      expectPvalue(res.pvalue, t.pvalue);
      expectStatistic(jensenShannonDistance(t.ref, t.cur), t.jensen_shannon);
      expectStatistic(populationStabilityIndex(t.ref, t.cur), t.psi);
    }
  });

  it('should match the two-proportion z statistic and 2·norm.sf when proportions differ', () => {
    for (const z of reference.ztests) {
      const res = twoProportionZTest(z.x1, z.n1, z.x2, z.n2);
      expectStatistic(res.statistic, z.statistic);
      expectPvalue(res.pvalue, z.pvalue);
    }
  });

  it('should match chi2.sf when dof and x span the tails', () => {
    for (const p of reference.chi2sf) expectPvalue(chi2Sf(p.x, p.dof), p.sf);
  });
});
