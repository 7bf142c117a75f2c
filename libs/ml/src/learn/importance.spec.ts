import { Random } from '../core';
import { modelImportances, permutationImportance } from './importance';
import { buildModelCard, MODEL_CARD_SCHEMA, summarizeData } from './model-card';
import { ALGOS } from './params';
import { fitPipeline } from './pipeline';
import type { Cell } from './table';

// `signal` drives the label, `tier` a little, `noise` not at all.
function table(rows: number, seed: number): Record<string, Cell[]> {
  const random = new Random(seed);
  const cols: Record<string, Cell[]> = { signal: [], noise: [], tier: [], label: [] };
  for (let i = 0; i < rows; i++) {
    const signal = random.nextFloat() * 4 - 2;
    const tier = ['gold', 'silver', 'bronze'][random.nextInt(3)];
    const s = 2.5 * signal + (tier === 'gold' ? 0.7 : 0);
    cols.signal.push(random.nextFloat() < 0.05 ? '' : signal.toFixed(3));
    cols.noise.push((random.nextFloat() * 10).toFixed(3));
    cols.tier.push(tier);
    cols.label.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? 'yes' : 'no');
  }
  return cols;
}

const options = { target: 'label', seed: 1 } as const;
const sum = (values: readonly { value: number }[]): number => values.reduce((a, v) => a + v.value, 0);

describe('modelImportances', () => {
  it.each(['rf', 'gbdt'] as const)('should give %s gain shares that sum to 1 and rank the signal first', (algo) => {
    const pipeline = fitPipeline(table(1200, 1), { ...options, algo, params: algo === 'rf' ? { nTrees: 30 } : {} });
    const importances = modelImportances(pipeline);
    expect(importances.kind).toBe('gain');
    expect(importances.features.map((f) => f.name)).toEqual(pipeline.card.featureNames);
    expect(sum(importances.features)).toBeCloseTo(1, 9);
    expect(sum(importances.columns)).toBeCloseTo(1, 9);
    const byName = new Map(importances.columns.map((c) => [c.name, c.value]));
    expect(importances.columns.map((c) => c.name)).toEqual(['signal', 'noise', 'tier']);
    expect(byName.get('signal')).toBeGreaterThan(byName.get('noise')! + byName.get('tier')!);
    const tierFeatures = importances.features.filter((f) => f.name.startsWith('tier='));
    expect(byName.get('tier')).toBeCloseTo(sum(tierFeatures), 12);
  });

  it('should report the logistic coefficients and scale column importance by the feature spread', () => {
    const pipeline = fitPipeline(table(1200, 1), { ...options, algo: 'lr' });
    const classifier = pipeline.classifier;
    if (classifier.kind !== 'lr') throw new Error('expected lr');
    const importances = modelImportances(pipeline);
    expect(importances.kind).toBe('coefficient');
    expect(importances.features.map((f) => f.value)).toEqual(Array.from(classifier.model.coefficients));
    const signal = importances.columns.find((c) => c.name === 'signal')!;
    expect(signal.value).toBeCloseTo(Math.abs(classifier.model.coefficients[0]), 12);
    const noise = importances.columns.find((c) => c.name === 'noise')!;
    expect(signal.value).toBeGreaterThan(10 * noise.value);
  });
});

describe('permutationImportance', () => {
  it.each(ALGOS)('should find the signal column and not the noise on a held-out split with %s', (algo) => {
    const pipeline = fitPipeline(table(1000, 1), { ...options, algo, params: algo === 'rf' ? { nTrees: 30 } : {} });
    const result = permutationImportance(pipeline, table(400, 2), { seed: 3, repeats: 4 });
    expect(result).toMatchObject({ kind: 'permutation', metric: 'auc', rows: 400, repeats: 4, seed: 3 });
    expect(result.baseline).toBeCloseTo(pipeline.evaluate(table(400, 2)).auc, 12);
    const byName = new Map(result.columns.map((c) => [c.name, c]));
    expect(byName.get('signal')!.mean).toBeGreaterThan(0.2);
    expect(Math.abs(byName.get('noise')!.mean)).toBeLessThan(0.03);
    expect(byName.get('signal')!.values).toHaveLength(4);
  });

  it('should repeat itself for the same seed and shuffle differently for another', () => {
    const pipeline = fitPipeline(table(600, 1), { ...options, algo: 'gbdt', params: { maxIter: 20 } });
    const split = table(300, 2);
    const a = permutationImportance(pipeline, split, { seed: 5 });
    expect(permutationImportance(pipeline, split, { seed: 5 })).toEqual(a);
    expect(permutationImportance(pipeline, split, { seed: 6 }).columns[0].values).not.toEqual(a.columns[0].values);
  });

  it('should measure a rise in log loss when the metric is logLoss', () => {
    const pipeline = fitPipeline(table(600, 1), { ...options, algo: 'lr' });
    const result = permutationImportance(pipeline, table(300, 2), { seed: 1, metric: 'logLoss' });
    expect(result.columns[0].mean).toBeGreaterThan(0.3);
  });

  it('should throw a typed error when repeats is not a positive integer or a column is absent', () => {
    const pipeline = fitPipeline(table(300, 1), { ...options, algo: 'lr' });
    expect(() => permutationImportance(pipeline, table(50, 2), { seed: 1, repeats: 0 })).toThrow(/repeats must be/);
    const { tier: _tier, ...partial } = table(50, 2);
    expect(() => permutationImportance(pipeline, partial, { seed: 1 })).toThrow(/column "tier" is missing/);
  });
});

describe('model card', () => {
  it('should assemble params, seed, metrics, data summary and importances as plain JSON data', () => {
    const train = table(800, 1);
    const test = table(200, 2);
    const pipeline = fitPipeline(train, { ...options, algo: 'gbdt', params: { maxIter: 15 } });
    const card = buildModelCard({
      pipeline,
      metrics: { test: pipeline.evaluate(test), train: pipeline.evaluate(train) },
      data: summarizeData(pipeline, train),
      importances: {
        model: modelImportances(pipeline),
        permutation: permutationImportance(pipeline, test, { seed: 2, repeats: 2 }),
      },
    });
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
    expect(card.schema).toBe(MODEL_CARD_SCHEMA);
    expect(card.model).toMatchObject({ algo: 'gbdt', seed: 1, iterations: 15, trainingRows: 800, solver: null });
    expect(card.model.params).toMatchObject({ maxIter: 15, learningRate: 0.1 });
    expect(Object.keys(card.metrics)).toEqual(['test', 'train']);
    expect(card.importances.permutation?.columns.map((c) => c.name)).toEqual(['signal', 'noise', 'tier']);
  });

  it('should count rows, classes, missing cells and top categories when summarising data', () => {
    const data = { x: ['1', '', '3', 'NA'], c: ['a', 'b', 'a', ''], y: ['1', '0', '1', '1'] };
    const pipeline = fitPipeline(data, { target: 'y', algo: 'lr', seed: 1 });
    expect(summarizeData(pipeline, data)).toEqual({
      rows: 4,
      positives: 3,
      negatives: 1,
      columns: [
        { name: 'x', type: 'numeric', missing: 2, min: 1, max: 3, mean: 2 },
        {
          name: 'c',
          type: 'categorical',
          missing: 1,
          distinct: 2,
          top: [
            { category: 'a', count: 2 },
            { category: 'b', count: 1 },
          ],
        },
      ],
    });
  });
});
