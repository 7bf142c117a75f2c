/**
 * @jest-environment ./libs/ml/src/learn/testing/onnxruntime-environment.cjs
 */
// Missing values, infrequent categories and wide one-hot blocks: onnxruntime-node scores the exported
// graph exactly as the TypeScript scorer does.
import * as ort from 'onnxruntime-node';
import { isMissing, MISSING_PATTERN, Random } from '../core';
import type { FittedPipeline } from './fitted-pipeline';
import { attr, node, valueInfo } from './onnx-graph';
import { DataType, encodeOnnxModel } from './onnx-proto';
import { ALGOS } from './params';
import { fitPipeline } from './pipeline';
import type { Cell } from './table';

async function onnxProba(pipeline: FittedPipeline, columns: Record<string, Cell[]>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(pipeline.toOnnx(), { logSeverityLevel: 3 });
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of pipeline.card.features) {
    const values = columns[f.name];
    feeds[f.name] =
      f.type === 'categorical'
        ? new ort.Tensor(
            'string',
            values.map((v) => String(v ?? '')),
            [values.length, 1],
          )
        : new ort.Tensor(
            'float32',
            Float32Array.from(values, (v) => (isMissing(v) ? NaN : Number(v))),
            [values.length, 1],
          );
  }
  const out = await session.run(feeds);
  const probs = out.probabilities.data as Float32Array;
  return Float32Array.from({ length: probs.length / 2 }, (_, i) => probs[2 * i + 1]);
}

async function expectAgreement(pipeline: FittedPipeline, columns: Record<string, Cell[]>): Promise<void> {
  const ts = pipeline.predictProba(columns);
  const onnx = await onnxProba(pipeline, columns);
  let worst = 0;
  for (let i = 0; i < ts.length; i++) worst = Math.max(worst, Math.abs(ts[i] - onnx[i]));
  expect(worst).toBeLessThanOrEqual(1e-6);
}

/** Fewer trees for the forest: agreement does not need 100 of them. */
function small(algo: string): Record<string, unknown> {
  return algo === 'rf' ? { nTrees: 25 } : {};
}

// Missing cells that mean something: a blank income is a strong churn signal, a blank plan a weak one.
function table(rows: number, seed: number): Record<string, Cell[]> {
  const random = new Random(seed);
  const spellings = ['', 'NA', ' n/a ', 'null', 'None', 'NaN'];
  const cols: Record<string, Cell[]> = { income: [], plan: [], churn: [] };
  for (let i = 0; i < rows; i++) {
    const blankIncome = random.nextFloat() < 0.2;
    const blankPlan = random.nextFloat() < 0.15;
    const income = random.nextFloat() * 100;
    const plan = ['basic', 'plus', 'pro'][random.nextInt(3)];
    const s = blankIncome ? 2 : (income - 50) / 15 + (blankPlan ? -1 : plan === 'pro' ? 1 : 0);
    cols.income.push(blankIncome ? spellings[random.nextInt(spellings.length)] : income.toFixed(2));
    cols.plan.push(blankPlan ? spellings[random.nextInt(spellings.length)] : plan);
    cols.churn.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? '1' : '0');
  }
  return cols;
}

describe('missing values in the exported graph', () => {
  it('should count exactly the strings isMissing counts when onnxruntime runs MISSING_PATTERN', async () => {
    const parts = ['', ' ', '\t', '\u00a0', 'n', 'N', 'a', '/', 'NA', 'null', 'x', 'é'];
    const tried: string[] = [];
    for (const a of parts) for (const b of parts) for (const c of parts) tried.push(a + b + c);
    const graph = [node('RegexFullMatch', ['s'], ['m'], [attr.string('pattern', MISSING_PATTERN)])];
    const bytes = encodeOnnxModel({
      irVersion: 9,
      opsetImport: [{ domain: '', version: 20 }],
      graph: {
        name: 'g',
        node: graph,
        input: [valueInfo('s', DataType.String, ['N'])],
        output: [valueInfo('m', DataType.Bool, ['N'])],
      },
    });
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const out = await session.run({ s: new ort.Tensor('string', tried, [tried.length]) });
    const onnx = Array.from(out.m.data as Uint8Array, (v) => v === 1);
    expect(tried.filter((s, i) => onnx[i] !== isMissing(s))).toEqual([]);
    expect(onnx.filter(Boolean).length).toBeGreaterThan(50);
  });

  it.each(ALGOS)('should agree with onnxruntime for %s on every spelling of a missing cell', async (algo) => {
    const pipeline = fitPipeline(table(1500, 1), { target: 'churn', algo, seed: 4, params: small(algo) });
    await expectAgreement(pipeline, table(400, 2));
    await expectAgreement(pipeline, {
      income: ['', 'NA', '50', ' null ', 'NaN', '10'],
      plan: ['NONE', 'pro', '\tN/A', 'unheard-of', '', 'basic'],
    });
  });

  it.each(['rf', 'gbdt'] as const)(
    'should learn that a blank income means churn with %s, not impute it',
    async (algo) => {
      const pipeline = fitPipeline(table(3000, 3), { target: 'churn', algo, seed: 4, params: small(algo) });
      const [blank, low] = Array.from(pipeline.predictProba({ income: ['NA', '5'], plan: ['basic', 'basic'] }));
      expect(blank).toBeGreaterThan(0.75); // a median (~50) would score near 0.5
      expect(low).toBeLessThan(0.3); // true P(churn) at income 5 is about 0.05
      const classifier = pipeline.classifier;
      const trees =
        classifier.kind === 'rf' ? classifier.trees : classifier.kind === 'gbdt' ? classifier.model.trees : [];
      const directions = new Set<number>();
      for (const tree of trees)
        for (let j = 0; j < tree.feature.length; j++) if (tree.feature[j] >= 0) directions.add(tree.missingLeft[j]);
      expect([...directions].sort()).toEqual([0, 1]);
    },
  );
});

describe('wide categorical columns in the exported graph', () => {
  // A 2,500-level column (a postcode) beside a numeric signal; levels 0-9 are common and carry signal.
  function wide(rows: number, seed: number): Record<string, Cell[]> {
    const random = new Random(seed);
    const cols: Record<string, Cell[]> = { amount: [], postcode: [], churn: [] };
    for (let i = 0; i < rows; i++) {
      const common = random.nextFloat() < 0.5;
      const level = common ? random.nextInt(10) : 10 + random.nextInt(2490);
      const amount = random.nextFloat() * 4 - 2;
      const s = 1.5 * amount + (common ? (level % 2 === 0 ? 1 : -1) : 0);
      cols.amount.push(amount.toFixed(3));
      cols.postcode.push(`P${level}`);
      cols.churn.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? '1' : '0');
    }
    return cols;
  }

  it('should train logistic regression with L-BFGS when the one-hot block is wider than newtonMaxFeatures', async () => {
    const pipeline = fitPipeline(wide(5000, 1), { target: 'churn', algo: 'lr', seed: 1 });
    expect(pipeline.card.solver).toBe('lbfgs');
    expect(pipeline.card.featureNames.length).toBeGreaterThan(1000);
    await expectAgreement(pipeline, wide(300, 2));
  });

  it.each(ALGOS)(
    'should group rare levels into <other> for %s when minFrequency and maxCategories are set',
    async (algo) => {
      const data = wide(5000, 1);
      const pipeline = fitPipeline(data, {
        target: 'churn',
        algo,
        seed: 1,
        params: small(algo),
        minFrequency: 20,
        maxCategories: 50,
      });
      // 10 common levels (about 250 rows each) pass minFrequency; the rare ones (about 1 row each) do not.
      expect(pipeline.card.featureNames).toEqual([
        'amount',
        ...Array.from({ length: 10 }, (_, k) => `postcode=P${k}`).sort(),
        'postcode=<other>',
      ]);
      if (algo === 'lr') expect(pipeline.card.solver).toBe('newton');
      expect(pipeline.evaluate(wide(2000, 3)).auc).toBeGreaterThan(0.8);
      await expectAgreement(pipeline, wide(300, 2));
    },
  );
});
