import { Random } from '../core';
import { applyBinning, fitBinning } from './binning';
import { DEFAULT_FOREST, fitForest } from './forest';
import { column, missingProblem, xorProblem } from './learners.fixtures';
import { rocAuc } from './metrics';
import { sumTrees } from './tree';

function fit(seed: number, rows = 1500) {
  const { x, y } = xorProblem(rows, 11);
  const binning = fitBinning(x, 256, new Random(seed));
  const trees = fitForest(
    applyBinning(binning, x),
    binning,
    y,
    { ...DEFAULT_FOREST, nTrees: 30, maxFeatures: 1 },
    new Random(seed),
  );
  return { trees, x, y };
}

describe('fitForest', () => {
  it('should learn XOR, which no linear model can, when fitted', () => {
    const { trees } = fit(1);
    const test = xorProblem(1000, 99);
    expect(rocAuc(test.y, sumTrees(trees, test.x, 0))).toBeGreaterThan(0.9);
  });

  it('should output probabilities in [0, 1] that sum leaf P/nTrees when scored', () => {
    const { trees, x } = fit(1);
    const p = sumTrees(trees, x, 0);
    for (const v of p) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('should grow identical trees for the same seed and different ones for another seed', () => {
    const a = fit(5).trees;
    const b = fit(5).trees;
    const c = fit(6).trees;
    expect(a.map((t) => Array.from(t.threshold))).toEqual(b.map((t) => Array.from(t.threshold)));
    expect(a.map((t) => Array.from(t.threshold))).not.toEqual(c.map((t) => Array.from(t.threshold)));
  });

  it('should respect maxDepth when given', () => {
    const { x, y } = xorProblem(500, 1);
    const binning = fitBinning(x, 256, new Random(1));
    const [tree] = fitForest(
      applyBinning(binning, x),
      binning,
      y,
      { ...DEFAULT_FOREST, nTrees: 1, maxDepth: 2 },
      new Random(1),
    );
    expect(tree.feature.length).toBeLessThanOrEqual(7);
  });

  it('should throw when nTrees is not a positive integer', () => {
    const { x, y } = xorProblem(50, 1);
    const binning = fitBinning(x, 256, new Random(1));
    expect(() =>
      fitForest(applyBinning(binning, x), binning, y, { ...DEFAULT_FOREST, nTrees: 0 }, new Random(1)),
    ).toThrow(/nTrees/);
  });
});

describe('fitForest with missing values', () => {
  const fitMissing = (missingPositive: number) => {
    const { x, y } = missingProblem(2000, 9, 0.2, missingPositive);
    const binning = fitBinning(x, 255, new Random(1));
    const params = { ...DEFAULT_FOREST, nTrees: 30 };
    return fitForest(applyBinning(binning, x), binning, y, params, new Random(1));
  };

  it.each([
    [0.95, 0.8, 1],
    [0.05, 0, 0.2],
  ])('should learn where missing values go when %p of them are positive', (share, low, high) => {
    const [missing] = Array.from(sumTrees(fitMissing(share), column(NaN), 0));
    expect(missing).toBeGreaterThanOrEqual(low);
    expect(missing).toBeLessThanOrEqual(high);
  });

  it('should record bootstrap weight as cover and a non-negative Gini decrease on every split', () => {
    const trees = fitMissing(0.9);
    for (const tree of trees.slice(0, 5)) {
      expect(tree.cover[0]).toBe(2000); // 2000 bootstrap draws
      for (let j = 0; j < tree.feature.length; j++) {
        if (tree.feature[j] < 0) continue;
        expect(tree.gain[j]).toBeGreaterThanOrEqual(0);
        expect(tree.cover[tree.left[j]] + tree.cover[tree.right[j]]).toBe(tree.cover[j]);
      }
    }
  });
});
