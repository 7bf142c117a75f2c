import reference from './__fixtures__/scipy-reference.json';
import { sample, SampleSpec } from './__fixtures__/samples';
import { ReferenceProfile } from './profile';
import { WindowAccumulator } from './accumulator';
import { compareColumns } from './compare';
import { detectDrift } from './detect';
import { kllRankError } from './kll';

const close = (a: number | undefined, b: number, rel: number): void => {
  expect(a).toBeDefined();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(b), 1e-300) + 1e-12);
};

describe('profile and window accumulators', () => {
  const picked = reference.numeric.filter((c) =>
    ['heavy tail', 'tied integers shifted', 'asymptotic 12000 vs 9000', 'tiny 7 vs 9'].includes(c.name),
  );

  it.each(picked.map((c) => [c.name, c] as const))(
    'should reproduce every scipy figure through the profile when the windows are %s',
    (_n, c) => {
      const a = Array.from(sample(c.a as SampleSpec));
      const b = Array.from(sample(c.b as SampleSpec));
      const col = detectDrift({ x: a }, { x: b }, { bins: c.bins, overrides: { x: { test: 'ks' } } }).columns.x;
      expect(col.exact).toBe(true);
      close(col.ks_statistic, c.ks_statistic, 1e-9);
      close(col.ks_pvalue, c.ks_pvalue, 1e-6);
      close(col.wasserstein, c.wasserstein, 1e-9);
      close(col.wasserstein_normed, c.wasserstein_normed, 1e-9);
      close(col.jensen_shannon, c.jensen_shannon, 1e-9);
      close(col.psi, c.psi, 1e-9);
    },
  );

  it('should give the same report when the current window is built in parts and merged', () => {
    const ref = {
      x: Array.from(sample({ kind: 'normal', n: 3000, seed: 1 })),
      c: Array.from(sample({ kind: 'int', n: 3000, seed: 2, k: 7 }), (v) => `k${v}`),
    };
    const cur = {
      x: Array.from(sample({ kind: 'normal', n: 2000, seed: 3, loc: 0.1 })),
      c: Array.from(sample({ kind: 'int', n: 2000, seed: 4, k: 8 }), (v) => `k${v}`),
    };
    const profile = ReferenceProfile.fromColumns(ref);
    const whole = profile.windowFromColumns(cur);
    const parts = [0, 700, 1500, 2000].slice(1).map((end, i, ends) => {
      const start = i === 0 ? 0 : ends[i - 1];
      return profile.windowFromColumns({ x: cur.x.slice(start, end), c: cur.c.slice(start, end) });
    });
    const merged = parts[0];
    for (const p of parts.slice(1)) for (const [name, acc] of merged) acc.merge(p.get(name) as WindowAccumulator);
    const expected = compareColumns(profile, whole);
    const actual = compareColumns(profile, merged);
    expect(actual.columns.c).toEqual(expected.columns.c);
    expect(actual.columns.x.ks_pvalue).toBe(expected.columns.x.ks_pvalue);
    expect(actual.columns.x.psi).toBe(expected.columns.x.psi);
    close(actual.columns.x.wasserstein_normed, expected.columns.x.wasserstein_normed as number, 1e-12);
  });

  it('should give an identical report when the profile and window go through JSON', () => {
    const ref = {
      x: Array.from(sample({ kind: 'skew', n: 1500, seed: 5 })),
      c: Array.from(sample({ kind: 'int', n: 1500, seed: 6, k: 3 }), String),
    };
    const cur = {
      x: Array.from(sample({ kind: 'skew', n: 900, seed: 7 })),
      c: Array.from(sample({ kind: 'int', n: 900, seed: 8, k: 4 }), String),
    };
    const profile = ReferenceProfile.fromColumns(ref);
    const window = profile.windowFromColumns(cur);
    const restored = ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(profile.toJSON())));
    const restoredWindow = new Map(
      [...window].map(([k, w]) => [k, WindowAccumulator.fromJSON(JSON.parse(JSON.stringify(w.toJSON())))]),
    );
    expect(compareColumns(restored, restoredWindow)).toEqual(compareColumns(profile, window));
  });

  it('should stay within the stated sketch error of the exact result when windows exceed the exact limit', () => {
    const ref = { x: Array.from(sample({ kind: 'normal', n: 60_000, seed: 9 })) };
    const cur = { x: Array.from(sample({ kind: 'normal', n: 50_000, seed: 10, loc: 0.01, scale: 1.05 })) };
    const exact = detectDrift(ref, cur, { exactLimit: 200_000 }).columns.x;
    const sketched = detectDrift(ref, cur, { exactLimit: 5_000, sketchK: 2048 }).columns.x;
    expect(exact.exact).toBe(true);
    expect(sketched.exact).toBe(false);
    const eps = 2 * kllRankError(2048);
    const all = ref.x.concat(cur.x);
    const range = all.reduce((m, v) => Math.max(m, v), -Infinity) - all.reduce((m, v) => Math.min(m, v), Infinity);
    expect(Math.abs((sketched.ks_statistic as number) - (exact.ks_statistic as number))).toBeLessThanOrEqual(eps);
    expect(Math.abs((sketched.wasserstein as number) - (exact.wasserstein as number))).toBeLessThanOrEqual(eps * range);
    expect(Math.abs((sketched.jensen_shannon as number) - (exact.jensen_shannon as number))).toBeLessThanOrEqual(0.01);
    expect(Math.abs((sketched.psi as number) - (exact.psi as number))).toBeLessThanOrEqual(0.01);
    expect(sketched.drift).toBe(exact.drift);
  });

  it('should keep a bounded number of values when a sketched window streams 300,000 values', () => {
    const profile = ReferenceProfile.fromColumns({ x: Array.from(sample({ kind: 'uniform', n: 5000, seed: 11 })) });
    const window = profile.newWindow({ exactLimit: 1000, sketchK: 512 }).get('x') as WindowAccumulator;
    const xs = sample({ kind: 'uniform', n: 300_000, seed: 12 });
    let peak = 0;
    xs.forEach((x, i) => {
      window.addNumber(x);
      if (i % 1000 === 0) peak = Math.max(peak, window.retainedValues());
    });
    expect(window.n).toBe(300_000);
    expect(peak).toBeLessThanOrEqual(3 * 512);
    expect(compareColumns(profile, new Map([['x', window]])).columns.x.drift).toBe(false);
  });

  it('should merge an exact window into a sketched one and reject mismatched windows when merging', () => {
    const profile = ReferenceProfile.fromColumns({
      x: Array.from(sample({ kind: 'normal', n: 4000, seed: 13 })),
      c: ['a', 'b', 'c'],
    });
    const big = profile.newWindow({ exactLimit: 500 }).get('x') as WindowAccumulator;
    const small = profile.newWindow({ exactLimit: 500 }).get('x') as WindowAccumulator;
    sample({ kind: 'normal', n: 3000, seed: 14 }).forEach((x) => big.addNumber(x));
    sample({ kind: 'normal', n: 200, seed: 15 }).forEach((x) => small.addNumber(x));
    expect(big.isExact()).toBe(false);
    big.merge(small);
    expect(big.n).toBe(3200);
    expect(big.cdf().total).toBe(3200);
    const cat = profile.newWindow().get('c') as WindowAccumulator;
    expect(() => big.merge(cat)).toThrow(expect.objectContaining({ code: 'incompatible_merge' }));
    const other = ReferenceProfile.fromColumns({ x: [1, 2, 3, 4, 5, 6, 7] })
      .newWindow()
      .get('x') as WindowAccumulator;
    expect(() => big.merge(other)).toThrow(/different PSI edges/);
  });

  it('should reject a malformed profile with a typed error when restoring it from JSON', () => {
    expect(() => ReferenceProfile.fromJSON({ version: 2 } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(() => WindowAccumulator.fromJSON({ storage: 'text' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
