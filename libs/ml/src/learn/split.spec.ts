import { Random } from '../core';
import { stratifiedSplit, stratifiedSplit3 } from './split';

function labels(pos: number, neg: number): Uint8Array {
  const y = new Uint8Array(pos + neg);
  y.fill(1, 0, pos);
  return new Random(3).shuffle(y);
}

describe('stratifiedSplit', () => {
  it('should keep the class ratio in both parts when splitting 80/20', () => {
    const y = labels(200, 800);
    const split = stratifiedSplit(y, 0.2, new Random(1));
    expect(split.test.length).toBe(200);
    expect(split.train.length).toBe(800);
    const positives = (rows: Int32Array): number => Array.from(rows).filter((i) => y[i] === 1).length;
    expect(positives(split.test)).toBe(40);
    expect(positives(split.train)).toBe(160);
  });

  it('should cover every row exactly once when split', () => {
    const split = stratifiedSplit(labels(37, 63), 0.3, new Random(9));
    const all = [...split.train, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('should give the same split for the same seed and a different one for another seed', () => {
    const y = labels(50, 150);
    const a = stratifiedSplit(y, 0.25, new Random(5));
    const b = stratifiedSplit(y, 0.25, new Random(5));
    const c = stratifiedSplit(y, 0.25, new Random(6));
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('should throw when a class is too small to appear on both sides', () => {
    expect(() => stratifiedSplit(labels(1, 50), 0.2, new Random(1))).toThrow(/cannot be split/);
  });

  it('should produce disjoint train, validation and test parts when split three ways', () => {
    const split = stratifiedSplit3(labels(100, 300), 0.2, 0.2, new Random(2));
    expect(split.train.length + split.validation.length + split.test.length).toBe(400);
    expect(new Set([...split.train, ...split.validation, ...split.test]).size).toBe(400);
    expect(split.validation.length).toBe(80);
  });
});
