import { Random } from '../core';
import { applyBinning, fitBinning } from './binning';
import { DEFAULT_GBDT, fitGbdt, type GbdtParams } from './gbdt';
import { column, missingProblem, xorProblem } from './learners.fixtures';
import { sigmoid } from './logistic';
import { rocAuc } from './metrics';
import { sumTrees } from './tree';

function fit(params: Partial<GbdtParams>, rows = 2000, seed = 1) {
  const { x, y } = xorProblem(rows, 21);
  const binning = fitBinning(x, 256, new Random(seed));
  const model = fitGbdt(applyBinning(binning, x), binning, y, { ...DEFAULT_GBDT, ...params }, new Random(seed));
  return { model, x, y };
}

function leaves(tree: { feature: Int32Array }): number {
  return Array.from(tree.feature).filter((f) => f < 0).length;
}

describe('fitGbdt', () => {
  it('should learn XOR when boosted', () => {
    const { model } = fit({ maxIter: 50 });
    const test = xorProblem(1000, 77);
    expect(rocAuc(test.y, sumTrees(model.trees, test.x, model.base).map(sigmoid))).toBeGreaterThan(0.9);
  });

  it('should start from the training log-odds when fitted', () => {
    const { model, y } = fit({ maxIter: 1 });
    const p = y.reduce((s, v) => s + v, 0) / y.length;
    expect(model.base).toBeCloseTo(Math.log(p / (1 - p)), 6);
  });

  it('should never exceed maxLeafNodes or go below minSamplesLeaf when growing trees', () => {
    const { model } = fit({ maxIter: 10, maxLeafNodes: 5, minSamplesLeaf: 50 });
    for (const tree of model.trees) expect(leaves(tree)).toBeLessThanOrEqual(5);
    const stump = fit({ maxIter: 3, maxLeafNodes: 2 }).model;
    for (const tree of stump.trees) expect(leaves(tree)).toBe(2);
  });

  it('should shrink leaf values when l2 regularisation grows', () => {
    const plain = fit({ maxIter: 1, l2: 0 }).model.trees[0];
    const shrunk = fit({ maxIter: 1, l2: 1000 }).model.trees[0];
    const size = (t: { value: Float32Array }) => Math.max(...Array.from(t.value).map(Math.abs));
    expect(size(shrunk)).toBeLessThan(size(plain));
  });

  it('should stop early when the validation loss stops improving', () => {
    const { model } = fit({ maxIter: 500, learningRate: 0.5, earlyStopping: true, nIterNoChange: 5 });
    expect(model.trees.length).toBeLessThan(500);
    const full = fit({ maxIter: 60, earlyStopping: false }).model;
    expect(full.trees.length).toBe(60);
  });

  it('should throw a clear error when a parameter is out of range', () => {
    expect(() => fit({ learningRate: 0 })).toThrow(/learningRate must be in \(0, 1\]/);
    expect(() => fit({ maxLeafNodes: 1 })).toThrow(/maxLeafNodes/);
  });
});

describe('fitGbdt with missing values', () => {
  const fitMissing = (missingPositive: number, missingShare = 0.2) => {
    const { x, y } = missingProblem(3000, 5, missingShare, missingPositive);
    const binning = fitBinning(x, 255, new Random(1));
    const params = { ...DEFAULT_GBDT, maxIter: 30 };
    return fitGbdt(applyBinning(binning, x), binning, y, params, new Random(1));
  };
  const proba = (model: ReturnType<typeof fitMissing>, ...values: number[]) =>
    Array.from(sumTrees(model.trees, column(...values), model.base).map(sigmoid));

  it('should learn where missing values go when they mostly carry the positive class', () => {
    const [missing, low, high] = proba(fitMissing(0.95), NaN, 0.1, 0.9);
    expect(missing).toBeGreaterThan(0.85);
    expect(low).toBeLessThan(0.2);
    expect(high).toBeGreaterThan(0.8);
  });

  it('should learn where missing values go when they mostly carry the negative class', () => {
    const [missing, high] = proba(fitMissing(0.05), NaN, 0.9);
    expect(missing).toBeLessThan(0.15);
    expect(high).toBeGreaterThan(0.8);
  });

  it('should record a direction on every split and send missing values to the larger child when unseen', () => {
    const model = fitMissing(0.5, 0); // no missing values in training
    const root = model.trees[0];
    const leftBigger = root.cover[root.left[0]] > root.cover[root.right[0]];
    expect(root.missingLeft[0]).toBe(leftBigger ? 1 : 0);
    expect(root.cover[0]).toBe(3000);
    expect(root.cover[root.left[0]] + root.cover[root.right[0]]).toBe(3000);
  });
});
