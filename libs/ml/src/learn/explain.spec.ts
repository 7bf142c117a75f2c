import { Random } from '../core';
import { applyBinning, fitBinning } from './binning';
import { fitForest, DEFAULT_FOREST } from './forest';
import { DEFAULT_GBDT, fitGbdt } from './gbdt';
import { fitPipeline } from './pipeline';
import type { FeatureMatrix } from './preprocess';
import type { Cell } from './table';
import { type Tree, TreeBuilder } from './tree';
import { TreeShapScratch, treeDepth, treeExpectedValue, treeShap } from './tree-shap';

/** E[f(x) | x_S] with the features outside S integrated over the tree's cover (Lundberg's Algorithm 1). */
function conditional(tree: Tree, x: ArrayLike<number>, inS: (f: number) => boolean, node = 0): number {
  const f = tree.feature[node];
  if (f < 0) return tree.value[node];
  const { left, right } = tree;
  if (inS(f)) {
    const v = x[f];
    const goesLeft = v <= tree.threshold[node] || (v !== v && tree.missingLeft[node] === 1);
    return conditional(tree, x, inS, goesLeft ? left[node] : right[node]);
  }
  const l = conditional(tree, x, inS, left[node]);
  const r = conditional(tree, x, inS, right[node]);
  return (tree.cover[left[node]] * l + tree.cover[right[node]] * r) / tree.cover[node];
}

/** Exact Shapley values by enumerating every coalition of the M features. */
function bruteForce(tree: Tree, x: ArrayLike<number>, M: number): number[] {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const phi = new Array<number>(M).fill(0);
  for (let mask = 0; mask < 1 << M; mask++) {
    const size = popcount(mask);
    const value = conditional(tree, x, (f) => (mask & (1 << f)) !== 0);
    for (let i = 0; i < M; i++) {
      const bit = 1 << i;
      if (mask & bit) continue;
      const weight = (factorial(size) * factorial(M - size - 1)) / factorial(M);
      phi[i] += weight * (conditional(tree, x, (f) => ((mask | bit) & (1 << f)) !== 0) - value);
    }
  }
  return phi;
}

function popcount(v: number): number {
  let c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}

function shapOf(tree: Tree, x: ArrayLike<number>, M: number): number[] {
  const phi = new Float64Array(M);
  treeShap(tree, x, phi, new TreeShapScratch(treeDepth(tree)));
  return Array.from(phi);
}

// Five features, two with missing values, an interaction and a repeated feature on deep paths.
function problem(rows: number, seed: number): { x: FeatureMatrix; y: Uint8Array } {
  const random = new Random(seed);
  const M = 5;
  const data = new Float32Array(rows * M);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: M }, () => random.nextFloat() * 2 - 1);
    const s = 2 * v[0] * v[1] + Math.sin(3 * v[2]) + (v[3] > 0.3 ? 1 : -1) * v[0];
    if (random.nextFloat() < 0.15) v[1] = NaN;
    if (random.nextFloat() < 0.1) v[3] = NaN;
    v.forEach((value, f) => (data[f * rows + i] = value));
    y[i] = random.nextFloat() < 1 / (1 + Math.exp(-3 * s)) ? 1 : 0;
  }
  return { x: { rows, cols: M, data }, y };
}

function row(x: FeatureMatrix, i: number): number[] {
  return Array.from({ length: x.cols }, (_, f) => x.data[f * x.rows + i]);
}

describe('treeShap', () => {
  it('should equal brute-force Shapley values when a feature repeats on a path and missing values route', () => {
    // root: f0 <= 0.5 (missing left); left: f1 <= 1 (missing right) -> f0 <= 0.2 -> leaves; right: leaf
    const b = new TreeBuilder();
    const root = b.addNode(100);
    const [l, r] = b.split(root, { feature: 0, bin: 0, threshold: 0.5, missingLeft: true, gain: 1 }, 60, 40);
    const [ll, lr] = b.split(l, { feature: 1, bin: 0, threshold: 1, missingLeft: false, gain: 1 }, 35, 25);
    const [lll, llr] = b.split(ll, { feature: 0, bin: 0, threshold: 0.2, missingLeft: false, gain: 1 }, 20, 15);
    b.setLeaf(lll, 3);
    b.setLeaf(llr, -1);
    b.setLeaf(lr, 2);
    b.setLeaf(r, 0.5);
    const tree = b.build();
    for (const x of [
      [0.1, 0.5, 9],
      [0.3, 2, 9],
      [NaN, 0.5, 9],
      [0.9, NaN, 9],
      [0.1, NaN, 9],
    ]) {
      const exact = bruteForce(tree, x, 3);
      shapOf(tree, x, 3).forEach((v, f) => expect(v).toBeCloseTo(exact[f], 12));
      expect(shapOf(tree, x, 3)[2]).toBe(0); // never split on
    }
  });

  it.each(['forest', 'boosting'])('should equal brute-force Shapley values on every tree of a fitted %s', (kind) => {
    const { x, y } = problem(800, 3);
    const binning = fitBinning(x, 255, new Random(1));
    const binned = applyBinning(binning, x);
    const trees =
      kind === 'forest'
        ? fitForest(binned, binning, y, { ...DEFAULT_FOREST, nTrees: 4, maxDepth: 6 }, new Random(2))
        : fitGbdt(binned, binning, y, { ...DEFAULT_GBDT, maxIter: 4, maxLeafNodes: 12 }, new Random(2)).trees;
    let compared = 0;
    for (const tree of trees) {
      for (let i = 0; i < 25; i++) {
        const xi = row(x, i);
        const exact = bruteForce(tree, xi, 5);
        shapOf(tree, xi, 5).forEach((v, f) => expect(v).toBeCloseTo(exact[f], 9));
        compared++;
      }
    }
    expect(compared).toBe(100);
  });

  it('should add up to the leaf value minus the expected value for every row (local accuracy)', () => {
    const { x, y } = problem(500, 4);
    const binning = fitBinning(x, 255, new Random(1));
    const [tree] = fitForest(applyBinning(binning, x), binning, y, { ...DEFAULT_FOREST, nTrees: 1 }, new Random(3));
    for (let i = 0; i < 50; i++) {
      const xi = row(x, i);
      const sum = shapOf(tree, xi, 5).reduce((a, v) => a + v, 0);
      expect(sum + treeExpectedValue(tree)).toBeCloseTo(
        conditional(tree, xi, () => true),
        9,
      );
    }
  });
});

describe('FittedPipeline.explain', () => {
  function table(rows: number): Map<string, Cell[]> {
    const random = new Random(11);
    const cols: Record<string, Cell[]> = { amount: [], plan: [], member: [], churn: [] };
    for (let i = 0; i < rows; i++) {
      const amount = random.nextFloat() * 100;
      const plan = ['basic', 'plus', 'pro', 'max'][random.nextInt(4)];
      const member = random.nextFloat() < 0.5;
      const s = (amount - 50) / 20 + (plan === 'pro' ? 1.5 : plan === 'max' ? -1 : 0) - (member ? 0.8 : 0);
      cols.amount.push(random.nextFloat() < 0.1 ? '' : amount.toFixed(1));
      cols.plan.push(random.nextFloat() < 0.05 ? 'NA' : plan);
      cols.member.push(member ? 'yes' : 'no');
      cols.churn.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? '1' : '0');
    }
    return new Map(Object.entries(cols));
  }

  it.each(['lr', 'rf', 'gbdt'] as const)(
    'should attribute %s outputs to the input columns and add up to the raw output for every row',
    (algo) => {
      const data = table(600);
      const pipeline = fitPipeline(data, {
        target: 'churn',
        algo,
        seed: 2,
        params: algo === 'rf' ? { nTrees: 20 } : {},
      });
      const explanation = pipeline.explain(data);
      expect(explanation.columns).toEqual(['amount', 'plan', 'member']);
      expect(explanation.output).toBe(algo === 'rf' ? 'probability' : 'log_odds');
      const raw = pipeline.predictRaw(data);
      expect(Array.from(explanation.raw)).toEqual(Array.from(raw));
      for (let i = 0; i < explanation.rows; i++) {
        let sum = explanation.expectedValue;
        for (let c = 0; c < 3; c++) sum += explanation.values[i * 3 + c];
        expect(sum).toBeCloseTo(raw[i], 5);
      }
      // The amount drives the label: it gets the largest mean absolute attribution.
      const meanAbs = [0, 1, 2].map((c) => mean(explanation.rows, (i) => Math.abs(explanation.values[i * 3 + c])));
      expect(meanAbs[0]).toBeGreaterThan(Math.max(meanAbs[1], meanAbs[2]));
    },
  );

  it('should give a logistic numeric column its coefficient times the standardised value', () => {
    const data = table(400);
    const pipeline = fitPipeline(data, { target: 'churn', algo: 'lr', seed: 1 });
    const classifier = pipeline.classifier;
    if (classifier.kind !== 'lr') throw new Error('expected lr');
    const amount = pipeline.preprocessor.numeric[0];
    const one = pipeline.explain({ amount: ['80'], plan: ['pro'], member: ['no'] });
    const standardised = Math.fround(Math.fround(80 - amount.offset) * amount.scale);
    const expected = classifier.model.coefficients[0] * (standardised - classifier.featureMeans[0]);
    expect(one.values[0]).toBeCloseTo(expected, 10);
    expect(Math.abs(classifier.featureMeans[0])).toBeLessThan(1e-6); // standardised training mean is 0
  });

  it('should sum the one-hot block of a categorical column into that column when explaining trees', () => {
    const data = table(400);
    const pipeline = fitPipeline(data, { target: 'churn', algo: 'gbdt', seed: 1, params: { maxIter: 10 } });
    const classifier = pipeline.classifier;
    if (classifier.kind !== 'gbdt') throw new Error('expected gbdt');
    const row = { amount: ['30'], plan: ['pro'], member: ['yes'] };
    const x = new Float64Array([30, 1, 0, 0, 0, 1, 0]); // amount, member, plan=basic|max|plus|pro|<other>
    expect(pipeline.preprocessor.featureNames).toEqual([
      'amount',
      'member',
      'plan=basic',
      'plan=max',
      'plan=plus',
      'plan=pro',
      'plan=<other>',
    ]);
    const phi = new Float64Array(7);
    const scratch = new TreeShapScratch(Math.max(...classifier.model.trees.map(treeDepth)));
    for (const tree of classifier.model.trees) treeShap(tree, x, phi, scratch);
    const explanation = pipeline.explain(row);
    expect(explanation.values[1]).toBeCloseTo(phi[2] + phi[3] + phi[4] + phi[5] + phi[6], 12);
    expect(explanation.values[2]).toBeCloseTo(phi[1], 12);
  });
});

function mean(n: number, at: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += at(i);
  return s / n;
}
