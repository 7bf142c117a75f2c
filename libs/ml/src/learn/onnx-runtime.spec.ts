/**
 * @jest-environment ./libs/ml/src/learn/testing/onnxruntime-environment.cjs
 */
// The exported ONNX pipeline, scored by onnxruntime-node, against the TypeScript scorer on the
// e-commerce churn data (5,630 rows), for each learner. KEEL_ECOMMERCE_CSV overrides the data path.
import * as ort from 'onnxruntime-node';
import { ALGOS, type Algo } from './params';
import type { FittedPipeline } from './fitted-pipeline';
import { fitPipeline } from './pipeline';
import { ecommerceTable } from './testing/ecommerce';
import { trainModel } from './train';
import type { Cell } from './table';

const table = ecommerceTable();
const rows = table.get('Churn')!.length;

function feeds(pipeline: FittedPipeline, columns: Map<string, readonly Cell[]>, n: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const f of pipeline.card.features) {
    const values = columns.get(f.name)!;
    out[f.name] =
      f.type === 'categorical'
        ? new ort.Tensor(
            'string',
            values.map((v) => String(v ?? '')),
            [n, 1],
          )
        : new ort.Tensor(
            'float32',
            Float32Array.from(values, (v) => (v === '' || v === null || v === undefined ? NaN : Number(v))),
            [n, 1],
          );
  }
  return out;
}

const sessions = new Map<FittedPipeline, Promise<ort.InferenceSession>>();
function sessionFor(pipeline: FittedPipeline): Promise<ort.InferenceSession> {
  if (!sessions.has(pipeline))
    sessions.set(pipeline, ort.InferenceSession.create(pipeline.toOnnx(), { logSeverityLevel: 3 }));
  return sessions.get(pipeline)!;
}

async function score(
  pipeline: FittedPipeline,
  columns: Map<string, readonly Cell[]>,
  n: number,
): Promise<{ p0: number[]; p1: number[]; label: number[] }> {
  const session = await sessionFor(pipeline);
  const out = await session.run(feeds(pipeline, columns, n));
  const probs = out.probabilities.data as Float32Array;
  expect(out.probabilities.dims).toEqual([n, 2]);
  expect(out.label.dims).toEqual([n]);
  return {
    p0: Array.from({ length: n }, (_, i) => probs[2 * i]),
    p1: Array.from({ length: n }, (_, i) => probs[2 * i + 1]),
    label: Array.from(out.label.data as BigInt64Array, Number),
  };
}

const fitted = new Map<Algo, FittedPipeline>();
function pipelineFor(algo: Algo): FittedPipeline {
  if (!fitted.has(algo))
    fitted.set(algo, fitPipeline(table, { target: 'Churn', idColumn: 'CustomerID', algo, seed: 42 }));
  return fitted.get(algo)!;
}

describe.each(ALGOS)('ONNX export of %s scored by onnxruntime-node', (algo) => {
  it('should match the TypeScript scorer to 1e-6 on every e-commerce row when loaded by onnxruntime', async () => {
    const pipeline = pipelineFor(algo);
    const ts = pipeline.predictProba(table);
    const onnx = await score(pipeline, table, rows);
    let maxDiff = 0;
    let labelMismatch = 0;
    for (let i = 0; i < rows; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(onnx.p1[i] - ts[i]), Math.abs(onnx.p0[i] - (1 - ts[i])));
      // At p = 0.5 (within float32 summation order) the two sides may round to different labels.
      if (onnx.label[i] !== (ts[i] > 0.5 ? 1 : 0) && Math.abs(ts[i] - 0.5) > 1e-6) labelMismatch++;
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(labelMismatch).toBe(0);
  });

  it('should take one [N,1] input per raw column named as the column, float or string, when loaded', async () => {
    const pipeline = pipelineFor(algo);
    const session = await sessionFor(pipeline);
    const expected = pipeline.card.features.map((f) => ({
      name: f.name,
      type: f.type === 'categorical' ? 'string' : 'float32',
      shape: ['N', 1],
    }));
    expect(
      session.inputMetadata.map((m) => ({
        name: m.name,
        type: 'type' in m ? m.type : null,
        shape: 'shape' in m ? m.shape : null,
      })),
    ).toEqual(expected);
    expect(session.outputNames).toEqual(['label', 'probabilities']);
    expect(pipeline.card.features.map((f) => f.name)).not.toContain('CustomerID');
  });

  it('should agree with onnxruntime when cells are missing and categories are unseen', async () => {
    const pipeline = pipelineFor(algo);
    const n = 4;
    const pick = (name: string, k: number): Cell => table.get(name)![k];
    const columns = new Map<string, readonly Cell[]>();
    for (const f of pipeline.card.features) {
      if (f.type === 'categorical') columns.set(f.name, ['', 'never-seen-before', pick(f.name, 2), '']);
      else columns.set(f.name, ['', pick(f.name, 1), '', pick(f.name, 3)]);
    }
    const ts = pipeline.predictProba(columns);
    const onnx = await score(pipeline, columns, n);
    for (let i = 0; i < n; i++) {
      expect(Number.isFinite(ts[i])).toBe(true);
      expect(Math.abs(onnx.p1[i] - ts[i])).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('ONNX export of small schemas scored by onnxruntime-node', () => {
  // Booleans are float inputs fed as 1/0 (NaN = missing); strings 'yes'/'no' are what TypeScript reads.
  const rowsN = 300;
  const plan = Array.from({ length: rowsN }, (_, i) => ['basic', 'plus', 'pro'][i % 3]);
  const member = Array.from({ length: rowsN }, (_, i) => (i % 7 === 0 ? '' : i % 2 === 0 ? 'yes' : 'no'));
  const churn = Array.from({ length: rowsN }, (_, i) => ((i % 3 === 2) !== (i % 2 === 0) || i % 11 === 0 ? '1' : '0'));

  it.each(ALGOS)('should agree for %s when the only features are a boolean and a categorical column', async (algo) => {
    const pipeline = trainModel(
      { plan, member, churn },
      { target: 'churn', algo, seed: 3, params: algo === 'gbdt' ? { minSamplesLeaf: 5 } : {} },
    ).pipeline;
    const session = await ort.InferenceSession.create(pipeline.toOnnx(), { logSeverityLevel: 3 });
    const memberFloat = Float32Array.from(member, (v) => (v === '' ? NaN : v === 'yes' ? 1 : 0));
    const out = await session.run({
      plan: new ort.Tensor('string', plan, [rowsN, 1]),
      member: new ort.Tensor('float32', memberFloat, [rowsN, 1]),
    });
    const probs = out.probabilities.data as Float32Array;
    const ts = pipeline.predictProba({ plan, member });
    for (let i = 0; i < rowsN; i++) expect(Math.abs(probs[2 * i + 1] - ts[i])).toBeLessThanOrEqual(1e-6);
  });

  it.each(ALGOS)('should agree for %s when every feature is categorical', async (algo) => {
    const pipeline = trainModel(
      { plan, churn },
      { target: 'churn', algo, seed: 3, params: algo === 'gbdt' ? { minSamplesLeaf: 5 } : {} },
    ).pipeline;
    const session = await ort.InferenceSession.create(pipeline.toOnnx(), { logSeverityLevel: 3 });
    const out = await session.run({ plan: new ort.Tensor('string', plan, [rowsN, 1]) });
    const probs = out.probabilities.data as Float32Array;
    const ts = pipeline.predictProba({ plan });
    for (let i = 0; i < rowsN; i++) expect(Math.abs(probs[2 * i + 1] - ts[i])).toBeLessThanOrEqual(1e-6);
  });
});
