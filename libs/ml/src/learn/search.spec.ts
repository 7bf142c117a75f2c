import { Random } from '../core';
import { SuccessiveHalving } from './halving';
import { fitPipeline } from './pipeline';
import { bestTrial, planSearch, type Trial } from './search';
import type { Cell } from './table';
import { validateAndRefit } from './train';

describe('planSearch', () => {
  it('should enumerate the grid in key order with the last key varying fastest', () => {
    const trials = planSearch({
      algo: 'gbdt',
      space: { maxLeafNodes: [15, 31], learningRate: [0.05, 0.1, 0.2] },
      strategy: 'grid',
      budget: 6,
      seed: 1,
    });
    expect(trials.map((t) => t.params)).toEqual([
      { learningRate: 0.05, maxLeafNodes: 15 },
      { learningRate: 0.05, maxLeafNodes: 31 },
      { learningRate: 0.1, maxLeafNodes: 15 },
      { learningRate: 0.1, maxLeafNodes: 31 },
      { learningRate: 0.2, maxLeafNodes: 15 },
      { learningRate: 0.2, maxLeafNodes: 31 },
    ]);
    expect(trials.map((t) => t.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should draw the same trials for the same seed, within every distribution, when searching at random', () => {
    const plan = {
      algo: 'gbdt' as const,
      space: {
        learningRate: { kind: 'loguniform' as const, low: 0.01, high: 0.3 },
        l2: { kind: 'uniform' as const, low: 0, high: 2 },
        maxLeafNodes: { kind: 'int' as const, low: 8, high: 64, log: true },
        minSamplesLeaf: [5, 20],
      },
      strategy: 'random' as const,
      budget: 200,
      seed: 7,
    };
    const trials = planSearch(plan);
    expect(planSearch(plan)).toEqual(trials);
    expect(planSearch({ ...plan, seed: 8 })).not.toEqual(trials);
    expect(trials).toHaveLength(200);
    for (const { params } of trials) {
      expect(params.learningRate).toBeGreaterThanOrEqual(0.01);
      expect(params.learningRate).toBeLessThan(0.3);
      expect(params.l2).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(params.maxLeafNodes)).toBe(true);
      expect(params.maxLeafNodes).toBeGreaterThanOrEqual(8);
      expect(params.maxLeafNodes).toBeLessThanOrEqual(64);
      expect([5, 20]).toContain(params.minSamplesLeaf);
    }
    // Log-uniform: about as many draws below the geometric middle (0.055) as above it.
    const below = trials.filter((t) => (t.params.learningRate as number) < Math.sqrt(0.01 * 0.3)).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
  });

  it('should draw distinct grid points up to the budget when every parameter is a list', () => {
    const trials = planSearch({
      algo: 'rf',
      space: { nTrees: [50, 100], maxDepth: [4, 8, 16] },
      strategy: 'random',
      budget: 4,
      seed: 2,
    });
    expect(trials).toHaveLength(4);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(4);
    expect(
      planSearch({ algo: 'rf', space: { nTrees: [50, 100] }, strategy: 'random', budget: 9, seed: 2 }),
    ).toHaveLength(2);
  });

  it('should list every problem of a bad plan in one INVALID_PARAMS error', () => {
    const run = () =>
      planSearch({
        algo: 'gbdt',
        space: { trees: [1, 2], learningRate: { kind: 'loguniform', low: 0, high: 1 }, l2: ['big'] },
        strategy: 'random',
        budget: 0,
        seed: 1,
      });
    expect(run).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(run).toThrow(
      /budget must be a positive integer, got 0; unknown gbdt parameter "trees".*; learningRate: needs 0 < low < high; gbdt parameter "l2" must be a finite number, got "big"/,
    );
  });

  it('should refuse a grid over a continuous distribution or larger than the budget', () => {
    const space = { learningRate: { kind: 'uniform' as const, low: 0.01, high: 0.3 } };
    expect(() => planSearch({ algo: 'gbdt', space, strategy: 'grid', budget: 10, seed: 1 })).toThrow(
      /a grid needs lists or int ranges; learningRate is continuous/,
    );
    expect(() =>
      planSearch({
        algo: 'gbdt',
        space: { maxIter: { kind: 'int', low: 1, high: 20 } },
        strategy: 'grid',
        budget: 10,
        seed: 1,
      }),
    ).toThrow(/the grid has 20 points, more than the budget of 10/);
  });
});

describe('bestTrial', () => {
  const trial = (id: number): Trial => ({ id, params: {} });
  it('should pick the highest score, skip failed trials and break ties by the lower id', () => {
    const results = [
      { trial: trial(0), score: 0.8 },
      { trial: trial(1), score: NaN },
      { trial: trial(3), score: 0.9 },
      { trial: trial(2), score: 0.9 },
    ];
    expect(bestTrial(results)?.trial.id).toBe(2);
    expect(bestTrial(results, 'min')?.trial.id).toBe(0);
    expect(bestTrial([{ trial: trial(0), score: NaN }])).toBeNull();
  });
});

describe('SuccessiveHalving', () => {
  const candidates = (n: number): Trial[] =>
    Array.from({ length: n }, (_, id) => ({ id, params: { learningRate: 0.01 * (id + 1) } }));

  it('should plan rungs of n / eta^i candidates with eta^i times the resource', () => {
    const halving = new SuccessiveHalving(candidates(27), { resource: 'maxIter', minResource: 10, maxResource: 300 });
    expect(halving.schedule).toEqual([
      { rung: 0, candidates: 27, resource: 10 },
      { rung: 1, candidates: 9, resource: 30 },
      { rung: 2, candidates: 3, resource: 90 },
      { rung: 3, candidates: 1, resource: 270 },
    ]);
    // Fewer rungs when the resource cannot grow that far.
    expect(
      new SuccessiveHalving(candidates(27), { resource: 'maxIter', minResource: 10, maxResource: 50 }).schedule,
    ).toHaveLength(2);
  });

  it('should keep the best third at every rung and end with the best candidate', () => {
    const halving = new SuccessiveHalving(candidates(10), {
      resource: 'maxIter',
      minResource: 5,
      maxResource: 100,
      fixed: { earlyStopping: false },
    });
    // A score that peaks at learning rate 0.07 (id 6) and grows a little with the resource.
    const score = (t: { params: Record<string, unknown>; resource: number }) =>
      1 - Math.abs((t.params.learningRate as number) - 0.07) + t.resource / 1000;
    const seen: number[][] = [];
    for (let rung = halving.next(); rung !== null; rung = halving.next()) {
      seen.push(rung.map((t) => t.id));
      for (const t of rung) expect(t.params).toMatchObject({ maxIter: t.resource, earlyStopping: false });
      halving.report(new Map(rung.map((t) => [t.id, score(t)])));
    }
    expect(seen).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [6, 5, 7, 4],
      [6, 5],
    ]);
    expect(halving.best()).toMatchObject({ trial: { id: 6 }, resource: 45 });
    expect(halving.done).toBe(true);
  });

  it('should refuse a report that misses a trial of the rung', () => {
    const halving = new SuccessiveHalving(candidates(3), { resource: 'maxIter', minResource: 1, maxResource: 9 });
    expect(() => halving.report(new Map([[0, 0.5]]))).toThrow(/rung 0: no score for trial 1, 2/);
  });

  it('should pick the boosting learning rate on validation rows and refit the winner', () => {
    const data = table(1500, 1);
    const validation = table(500, 2);
    const trials = planSearch({
      algo: 'gbdt',
      space: { learningRate: [0.003, 0.03, 0.3] },
      strategy: 'grid',
      budget: 3,
      seed: 1,
    });
    const halving = new SuccessiveHalving(trials, {
      resource: 'maxIter',
      minResource: 10,
      maxResource: 90,
      fixed: { earlyStopping: false },
    });
    for (let rung = halving.next(); rung !== null; rung = halving.next()) {
      const scores = new Map(
        rung.map((t) => [
          t.id,
          fitPipeline(data, { target: 'y', algo: 'gbdt', seed: 1, params: t.params }).evaluate(validation).auc,
        ]),
      );
      halving.report(scores);
    }
    const best = halving.best()!;
    expect(best.trial.params.learningRate).not.toBe(0.003);
    const result = validateAndRefit(data, validation, {
      target: 'y',
      algo: 'gbdt',
      seed: 1,
      params: { ...best.trial.params, maxIter: best.resource, earlyStopping: false },
    });
    expect(result.pipeline.card.trainingRows).toBe(2000);
    expect(result.metrics.auc).toBeCloseTo(best.score, 12);
  });
});

function table(rows: number, seed: number): Record<string, Cell[]> {
  const random = new Random(seed);
  const cols: Record<string, Cell[]> = { a: [], b: [], y: [] };
  for (let i = 0; i < rows; i++) {
    const a = random.nextFloat() * 2 - 1;
    const b = random.nextFloat() * 2 - 1;
    cols.a.push(a);
    cols.b.push(b);
    cols.y.push(random.nextFloat() < 1 / (1 + Math.exp(-4 * a * b - Math.sin(3 * a))) ? 1 : 0);
  }
  return cols;
}
