import { Random } from '../core';
import { fitPipeline } from './pipeline';
import { selectRows, type Cell } from './table';
import { trainModel, validateAndRefit } from './train';

// A noisy non-linear signal in two numeric columns (one with blanks) and a categorical one.
function table(rows: number, seed = 3): Map<string, Cell[]> {
  const random = new Random(seed);
  const x: Cell[] = [];
  const z: Cell[] = [];
  const kind: Cell[] = [];
  const label: Cell[] = [];
  for (let i = 0; i < rows; i++) {
    const a = random.nextFloat() * 4 - 2;
    const b = random.nextFloat() * 4 - 2;
    const k = ['u', 'v', 'w'][random.nextInt(3)];
    const s = a * b + (k === 'u' ? 1 : -0.5) + Math.sin(2 * a);
    x.push(a.toFixed(3));
    z.push(random.nextFloat() < 0.1 ? '' : b.toFixed(3));
    kind.push(k);
    label.push(random.nextFloat() < 1 / (1 + Math.exp(-2 * s)) ? '1' : '0');
  }
  return new Map(Object.entries({ x, z, kind, label }));
}

const base = { target: 'label', seed: 5 } as const;

describe('trainModel', () => {
  it.each(['lr', 'rf', 'gbdt'] as const)(
    'should ship %s refitted on train + validation and report the train-only model on validation',
    (algo) => {
      const data = table(1000);
      const result = trainModel(data, { ...base, algo });
      expect(result.refitted).toBe(true);
      expect([result.trainRows, result.validationRows]).toEqual([800, 200]);
      expect(result.candidate.card.trainingRows).toBe(800);
      expect(result.pipeline.card.trainingRows).toBe(1000);
      expect(Buffer.from(result.pipeline.toOnnx()).equals(Buffer.from(result.candidate.toOnnx()))).toBe(false);
      // The refit is exactly a fit on every row with the same options.
      const all = fitPipeline(selectRows(data, range(1000)), { ...base, algo, params: result.refitParams });
      expect(Array.from(all.predictProba(data))).toEqual(Array.from(result.pipeline.predictProba(data)));
    },
  );

  it('should ship the train-only model when refit is off', () => {
    const result = trainModel(table(600), { ...base, algo: 'rf', params: { nTrees: 10 }, refit: false });
    expect(result.refitted).toBe(false);
    expect(result.pipeline).toBe(result.candidate);
    expect(result.pipeline.card.trainingRows).toBe(480);
  });

  it('should write byte-identical refitted models when data, options and seed are the same', () => {
    const a = trainModel(table(600), { ...base, algo: 'gbdt', params: { maxIter: 20 } }).pipeline.toOnnx();
    const b = trainModel(table(600), { ...base, algo: 'gbdt', params: { maxIter: 20 } }).pipeline.toOnnx();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('should stop boosting on the validation rows, then refit that many trees on every row', () => {
    const data = table(3000);
    const params = { maxIter: 400, learningRate: 0.5, earlyStopping: true, nIterNoChange: 5 };
    const result = trainModel(data, { ...base, algo: 'gbdt', params });
    const kept = result.candidate.card.iterations;
    expect(kept).toBeLessThan(400);
    expect(result.refitParams).toEqual({ ...params, maxIter: kept, earlyStopping: false });
    expect(result.pipeline.card.iterations).toBe(kept);
    expect(result.pipeline.card.trainingRows).toBe(3000);
    // The loss early stopping watched is the log loss of the candidate on the validation rows.
    const classifier = result.candidate.classifier;
    if (classifier.kind !== 'gbdt') throw new Error('expected gbdt');
    const watched = classifier.model.validationLoss;
    expect(watched).toHaveLength(kept + 1);
    expect(watched[kept]).toBeCloseTo(result.metrics.logLoss, 5);
  });

  it('should report progress for the train stage, then the refit stage, when asked', () => {
    const seen: string[] = [];
    trainModel(table(400), {
      ...base,
      algo: 'rf',
      params: { nTrees: 3 },
      onProgress: (p) => seen.push(`${p.stage} ${p.iteration}/${p.total}`),
    });
    expect(seen).toEqual(['train 1/3', 'train 2/3', 'train 3/3', 'refit 1/3', 'refit 2/3', 'refit 3/3']);
  });

  it('should stop a fit when the progress callback throws', () => {
    const stop = new Error('cancelled');
    const run = () =>
      trainModel(table(400), {
        ...base,
        algo: 'gbdt',
        onProgress: (p) => {
          if (p.iteration === 2) throw stop;
        },
      });
    expect(run).toThrow(stop);
  });
});

describe('validateAndRefit', () => {
  it('should throw a typed error naming the row when the validation target has a third class', () => {
    const train = table(300);
    const validation = table(50, 9);
    validation.get('label')![7] = 'maybe';
    expect(() => validateAndRefit(train, validation, { ...base, algo: 'lr' })).toThrow(
      /target "label" row 8: "maybe" is neither "1" nor "0"/,
    );
  });
});

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
