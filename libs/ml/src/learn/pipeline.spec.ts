import { Random } from '../core';
import { MlErrorCode } from './errors';
import { ALGOS } from './params';
import { fitPipeline } from './pipeline';
import { trainModel } from './train';
import type { Cell } from './table';

// 600 rows: two numeric columns (one with blanks), a categorical one, a boolean one and an id.
function table(seed = 1, rows = 600): Map<string, Cell[]> {
  const random = new Random(seed);
  const cols = {
    id: [] as Cell[],
    income: [] as Cell[],
    age: [] as Cell[],
    plan: [] as Cell[],
    member: [] as Cell[],
    churn: [] as Cell[],
  };
  const plans = ['basic', 'plus', 'pro'];
  for (let i = 0; i < rows; i++) {
    const income = random.nextFloat() * 100;
    const age = random.nextFloat() < 0.1 ? '' : String(18 + random.nextInt(60));
    const plan = plans[random.nextInt(3)];
    const member = random.nextFloat() < 0.5;
    const s = (income - 50) / 15 + (plan === 'pro' ? 1.5 : 0) - (member ? 1 : 0);
    cols.id.push(String(i));
    cols.income.push(income.toFixed(2));
    cols.age.push(age);
    cols.plan.push(plan);
    cols.member.push(member ? 'yes' : 'no');
    cols.churn.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? 'yes' : 'no');
  }
  return new Map(Object.entries(cols));
}

const options = { target: 'churn', idColumn: 'id', seed: 7 } as const;

describe('fitPipeline', () => {
  it.each(ALGOS)('should write byte-identical %s models when data, params and seed are the same', (algo) => {
    const a = fitPipeline(table(), { ...options, algo }).toOnnx();
    const b = fitPipeline(table(), { ...options, algo }).toOnnx();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('should record the trees built in the card when boosting runs a fixed number of iterations', () => {
    const pipeline = fitPipeline(table(), { ...options, algo: 'gbdt', params: { maxIter: 7, earlyStopping: false } });
    expect(pipeline.card.iterations).toBe(7);
    expect(pipeline.card.params).toMatchObject({ maxIter: 7, learningRate: 0.1 });
  });

  it('should write a different forest when the seed changes', () => {
    const a = fitPipeline(table(), { ...options, algo: 'rf', params: { nTrees: 10 } }).toOnnx();
    const b = fitPipeline(table(), { ...options, seed: 8, algo: 'rf', params: { nTrees: 10 } }).toOnnx();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it.each(ALGOS)('should learn the signal and record the model card when %s is trained', (algo) => {
    const result = trainModel(table(1, 2000), { ...options, algo });
    expect(result.metrics.auc).toBeGreaterThan(0.75);
    expect(result.trainRows + result.validationRows).toBe(2000);
    expect(result.pipeline.card).toMatchObject({
      algo,
      target: 'churn',
      positive: 'yes',
      negative: 'no',
      seed: 7,
      features: [
        { name: 'income', type: 'numeric' },
        { name: 'age', type: 'numeric' },
        { name: 'plan', type: 'categorical' },
        { name: 'member', type: 'boolean' },
      ],
    });
  });

  it.each(ALGOS)('should give finite probabilities for %s when scoring blanks and unseen categories', (algo) => {
    const pipeline = fitPipeline(table(), { ...options, algo });
    const p = pipeline.predictProba({
      income: ['', '10'],
      age: ['', ''],
      plan: ['enterprise', ''],
      member: ['', 'YES'],
    });
    expect(Array.from(p).every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(Array.from(pipeline.predict({ income: ['99'], age: ['30'], plan: ['pro'], member: ['no'] }))).toEqual([1]);
  });

  it('should score an unseen category like the unseen bucket, not like any known category', () => {
    const pipeline = fitPipeline(table(), { ...options, algo: 'lr' });
    const row = (plan: string) =>
      pipeline.predictProba({ income: ['50'], age: ['30'], plan: [plan], member: ['no'] })[0];
    expect(row('enterprise')).toBe(row('another-unseen'));
    expect(['basic', 'plus', 'pro'].map(row)).not.toContain(row('enterprise'));
  });

  it('should throw MISSING_COLUMN naming the column when scoring without a feature', () => {
    const pipeline = fitPipeline(table(), { ...options, algo: 'gbdt' });
    expect(() => pipeline.predictProba({ income: ['1'], age: ['2'], member: ['no'] })).toThrow(
      /column "plan" is missing/,
    );
  });

  it.each([
    [
      'a target with three classes',
      () => ({ churn: ['yes', 'no', 'maybe'], x: ['1', '2', '3'] }),
      MlErrorCode.TooManyClasses,
    ],
    ['a single-class target', () => ({ churn: ['yes', 'yes'], x: ['1', '2'] }), MlErrorCode.SingleClass],
    ['an Infinity cell', () => ({ churn: ['yes', 'no'], x: ['1', 'Infinity'] }), MlErrorCode.NonFiniteValue],
    ['an all-blank column', () => ({ churn: ['yes', 'no'], x: ['', ''] }), MlErrorCode.EmptyColumn],
    ['a missing target column', () => ({ x: ['1', '2'] }), MlErrorCode.MissingColumn],
    ['only a target', () => ({ churn: ['yes', 'no'] }), MlErrorCode.NoFeatures],
    ['ragged columns', () => ({ churn: ['yes', 'no'], x: ['1'] }), MlErrorCode.RowCountMismatch],
  ])('should throw a typed error when training on %s', (_name, make, code) => {
    expect(() => fitPipeline(make(), { target: 'churn', algo: 'lr', seed: 1 })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('should reject unknown or mistyped parameters when fitting', () => {
    expect(() => fitPipeline(table(), { ...options, algo: 'rf', params: { trees: 5 } })).toThrow(
      /unknown rf parameter "trees"/,
    );
    expect(() => fitPipeline(table(), { ...options, algo: 'gbdt', params: { learningRate: '0.1' } })).toThrow(
      /must be a finite number/,
    );
  });

  it('should accept Float64Array columns with NaN as missing when given typed columns', () => {
    const income = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? NaN : i));
    const churn = Array.from({ length: 100 }, (_, i) => (i > 50 ? '1' : '0'));
    const pipeline = fitPipeline(
      { income, churn },
      { target: 'churn', algo: 'gbdt', seed: 1, params: { minSamplesLeaf: 5 } },
    );
    expect(pipeline.card.features).toEqual([{ name: 'income', type: 'numeric' }]);
    expect(pipeline.predictProba({ income: Float64Array.of(90) })[0]).toBeGreaterThan(0.5);
  });
});
