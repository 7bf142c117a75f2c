import { detectDrift } from './detect';
import { DriftReport } from './compare';
import { sample } from './__fixtures__/samples';

const nums = (xs: ArrayLike<number>): number[] => Array.from(xs);
const repeat = <T>(v: T, n: number): T[] => Array.from({ length: n }, () => v);

// A report a user can print: every number finite, no NaN hiding behind JSON's null.
function expectWellDefined(report: DriftReport): void {
  for (const [name, col] of Object.entries(report.columns)) {
    for (const [field, v] of Object.entries(col)) {
      if (typeof v === 'number')
        expect({ name, field, finite: Number.isFinite(v) }).toEqual({ name, field, finite: true });
    }
  }
}

describe('compareColumns default tests', () => {
  it('should pick KS, chi-squared and Z when the reference has at most 1,000 rows', () => {
    const ref = {
      x: nums(sample({ kind: 'normal', n: 800, seed: 1 })),
      c: repeat('a', 300).concat(repeat('b', 300), repeat('c', 200)),
      b: repeat('y', 400).concat(repeat('n', 400)),
    };
    const cur = {
      x: nums(sample({ kind: 'normal', n: 500, seed: 2 })),
      c: repeat('a', 200).concat(repeat('b', 200), repeat('c', 100)),
      b: repeat('y', 250).concat(repeat('n', 250)),
    };
    const r = detectDrift(ref, cur);
    expect([r.columns.x.test, r.columns.c.test, r.columns.b.test]).toEqual(['ks', 'chi2', 'z']);
    expect(r.columns.x.kind).toBe('numeric');
    expect(r.columns.b.kind).toBe('binary');
    expect(r.columns.x.score).toBe(r.columns.x.ks_pvalue);
    expect(r.columns.x.threshold).toBe(0.05);
    expect(r.dataset_drift).toBe(false);
    expectWellDefined(r);
  });

  it('should pick normed Wasserstein and Jensen–Shannon when the reference has more than 1,000 rows', () => {
    const ref = {
      x: nums(sample({ kind: 'normal', n: 1500, seed: 3 })),
      few: nums(sample({ kind: 'int', n: 1500, seed: 4, k: 4 })),
      c: repeat('a', 1000).concat(repeat('b', 501)),
    };
    const cur = {
      x: nums(sample({ kind: 'normal', n: 900, seed: 5, loc: 1 })),
      few: nums(sample({ kind: 'int', n: 900, seed: 6, k: 4 })),
      c: repeat('a', 450).concat(repeat('b', 450)),
    };
    const r = detectDrift(ref, cur);
    expect([r.columns.x.test, r.columns.few.test, r.columns.c.test]).toEqual([
      'wasserstein',
      'jensen_shannon',
      'jensen_shannon',
    ]);
    expect(r.columns.x.score).toBe(r.columns.x.wasserstein_normed);
    expect(r.columns.x.drift).toBe(true);
    expect(r.columns.x.threshold).toBe(0.1);
    expect(r.columns.c.drift).toBe(true);
    expect(r.columns.few.drift).toBe(false);
    expect(r.drifted_columns).toBe(2);
    expect(r.drift_share).toBeCloseTo(2 / 3, 15);
    expect(r.dataset_drift).toBe(true);
  });

  it('should use the overridden test and threshold when a column has an override', () => {
    const ref = { x: nums(sample({ kind: 'normal', n: 2000, seed: 7 })) };
    const cur = { x: nums(sample({ kind: 'normal', n: 2000, seed: 8, loc: 0.02 })) };
    const plain = detectDrift(ref, cur);
    const r = detectDrift(ref, cur, { overrides: { x: { test: 'psi', threshold: 0.001 } } });
    expect(plain.columns.x.drift).toBe(false);
    expect(r.columns.x.test).toBe('psi');
    expect(r.columns.x.score).toBe(r.columns.x.psi);
    expect(r.columns.x.drift).toBe(true);
  });

  it('should throw a typed error when an override asks for KS on a categorical column', () => {
    expect(() =>
      detectDrift({ c: ['a', 'b', 'c'] }, { c: ['a', 'b', 'b'] }, { overrides: { c: { test: 'ks' } } }),
    ).toThrow(expect.objectContaining({ code: 'test_not_applicable' }));
    expect(() => detectDrift({ c: ['a', 'b', 'c'] }, { c: ['a'] }, { overrides: { nope: { test: 'psi' } } })).toThrow(
      expect.objectContaining({ code: 'unknown_column' }),
    );
  });
});

describe('compareColumns robustness', () => {
  it('should report missing shares and leave missing cells out when values are blank or NaN', () => {
    const r = detectDrift(
      { x: ['1', '', '2', 'NaN', '3', '4', '5', '6'] },
      { x: [1, 2, Number.NaN, 3, 4, 5, 6, null] },
    );
    expect(r.columns.x.n_ref).toBe(6);
    expect(r.columns.x.missing_ref).toBe(2 / 8);
    expect(r.columns.x.n_cur).toBe(6);
    expect(r.columns.x.missing_cur).toBe(2 / 8);
    expect(r.columns.x.ks_statistic).toBe(0);
    expect(r.columns.x.ks_pvalue).toBe(1);
    expect(r.columns.x.drift).toBe(false);
  });

  it('should give distance 0 and p-value 1 when both windows hold the same constant', () => {
    const r = detectDrift(
      { x: repeat(5, 50).concat([5, 5, 5, 5, 5, 5]), c: repeat('k', 56) },
      { x: repeat(5, 30), c: repeat('k', 30) },
    );
    expect(r.columns.x.kind).toBe('binary');
    expect(r.columns.x.z_pvalue).toBe(1);
    expect(r.columns.c.chi2_pvalue).toBe(1);
    expect(r.columns.c.jensen_shannon).toBe(0);
    expect(r.columns.x.drift).toBe(false);
    expectWellDefined(r);
  });

  it('should floor the normed Wasserstein at a 0.001 standard deviation when the reference is constant', () => {
    const ref = { x: repeat(2, 1201) };
    const cur = { x: nums(sample({ kind: 'uniform', n: 100, seed: 9, loc: 2, scale: 0.01 })) };
    const r = detectDrift(ref, cur);
    expect(r.columns.x.kind).toBe('binary');
    expect(r.columns.x.test).toBe('wasserstein');
    expect(r.columns.x.wasserstein_normed).toBeCloseTo(r.columns.x.wasserstein! / 0.001, 9);
    expect(r.columns.x.drift).toBe(true);
    expectWellDefined(r);
  });

  it('should return score null and no drift when a window is empty or all missing', () => {
    const r = detectDrift({ x: ['1', '2', '3', '4', '5', '6'], gone: ['', '', ''] }, { x: [], gone: ['', 'NA'] });
    expect(r.columns.x.score).toBeNull();
    expect(r.columns.x.drift).toBe(false);
    expect(r.columns.x.note).toMatch(/current window has no non-missing values/);
    expect(r.columns.gone.missing_ref).toBe(1);
    expect(r.columns.gone.score).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(r.dataset_drift).toBe(false);
  });

  it('should run exact tests when each window has a single row', () => {
    const r = detectDrift({ x: [1, 2, 3, 4, 5, 6, 7] }, { x: [100] });
    expect(r.columns.x.ks_statistic).toBe(1);
    expect(r.columns.x.ks_pvalue).toBeCloseTo(0.25, 15);
    expectWellDefined(detectDrift({ x: [1, 2, 3, 4, 5, 6, 7].slice(0, 1) }, { x: [7] }));
  });

  it('should count a category seen on one side only in chi-squared, JS and PSI when shares change', () => {
    const r = detectDrift(
      { c: repeat('a', 40).concat(repeat('b', 40), repeat('c', 20)) },
      { c: repeat('a', 40).concat(repeat('b', 40), repeat('new', 20)) },
    );
    expect(r.columns.c.chi2_pvalue).toBeLessThan(1e-6);
    // Shares 0.2 vs 0 on two categories, zero shares replaced by 1e-4.
    const psi = 2 * (0.2 - 1e-4) * Math.log(0.2 / 1e-4);
    expect(r.columns.c.psi).toBeCloseTo(psi, 12);
    expect(r.columns.c.jensen_shannon).toBeCloseTo(Math.sqrt(0.2 * Math.log(2)), 12);
    expect(r.columns.c.drift).toBe(true);
  });

  it('should pool categories past maxCategories and mark the result inexact when a column has too many', () => {
    const ref = { id: Array.from({ length: 50 }, (_, i) => `u${i}`) };
    const cur = { id: Array.from({ length: 50 }, (_, i) => `u${i + 25}`) };
    const exact = detectDrift(ref, cur).columns.id;
    const pooled = detectDrift(ref, cur, { maxCategories: 10 }).columns.id;
    expect(exact.exact).toBe(true);
    expect(pooled.exact).toBe(false);
    expect(pooled.n_cur).toBe(50);
    expect(pooled.jensen_shannon).toBeLessThan(exact.jensen_shannon as number);
  });
});
