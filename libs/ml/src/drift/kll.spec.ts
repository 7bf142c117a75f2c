import { KllSketch, kllRankError } from './kll';
import { sample, SampleSpec } from './__fixtures__/samples';
import { countAtMost } from './sorted';

function maxRankError(sketch: KllSketch, sorted: Float64Array): number {
  let worst = 0;
  for (let q = 1; q < 200; q++) {
    const x = sorted[Math.floor((q / 200) * sorted.length)];
    worst = Math.max(worst, Math.abs(sketch.rank(x) - countAtMost(sorted, x)));
  }
  return worst / sorted.length;
}

describe('KllSketch', () => {
  const shapes: [string, SampleSpec][] = [
    ['normal', { kind: 'normal', n: 150_000, seed: 1 }],
    ['skewed', { kind: 'skew', n: 150_000, seed: 2, scale: 100 }],
    ['heavy-tailed', { kind: 'pareto', n: 150_000, seed: 3 }],
    ['tied integers', { kind: 'int', n: 150_000, seed: 4, k: 50 }],
  ];

  it.each(shapes)('should stay within its stated rank error bound when the stream is %s', (_name, spec) => {
    const xs = sample(spec);
    for (const k of [256, 2048]) {
      const s = new KllSketch(k, 11);
      for (const x of xs) s.update(x);
      expect(s.n).toBe(xs.length);
      expect(maxRankError(s, Float64Array.from(xs).sort())).toBeLessThanOrEqual(kllRankError(k));
    }
  });

  it('should keep memory bounded by k when the stream grows 50-fold', () => {
    const small = new KllSketch(512, 1);
    const large = new KllSketch(512, 1);
    const xs = sample({ kind: 'uniform', n: 500_000, seed: 5 });
    for (let i = 0; i < 10_000; i++) small.update(xs[i]);
    for (const x of xs) large.update(x);
    expect(large.retained()).toBeLessThanOrEqual(3 * 512);
    expect(large.retained()).toBeLessThanOrEqual(small.retained() * 2);
  });

  it('should answer within the bound when two halves are merged', () => {
    const xs = sample({ kind: 'normal', n: 200_000, seed: 6 });
    const a = new KllSketch(1024, 1);
    const b = new KllSketch(1024, 2);
    xs.subarray(0, 120_000).forEach((x) => a.update(x));
    xs.subarray(120_000).forEach((x) => b.update(x));
    a.merge(b);
    expect(a.n).toBe(200_000);
    expect(a.min).toBe(xs.reduce((m, x) => Math.min(m, x), Infinity));
    expect(maxRankError(a, Float64Array.from(xs).sort())).toBeLessThanOrEqual(kllRankError(1024));
  });

  it('should give identical ranks when restored from JSON', () => {
    const s = new KllSketch(256, 3);
    sample({ kind: 'skew', n: 50_000, seed: 7 }).forEach((x) => s.update(x));
    const back = KllSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    for (const x of [0, 0.01, 0.1, 0.5, 0.9]) expect(back.rank(x)).toBe(s.rank(x));
    expect(back.cdf().total).toBe(50_000);
  });

  it('should reject a k outside 8..65536 with a typed error when constructed', () => {
    expect(() => new KllSketch(4)).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
