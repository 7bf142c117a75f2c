/**
 * @jest-environment ./libs/ml/src/learn/testing/onnxruntime-environment.cjs
 */
import * as ort from 'onnxruntime-node';
import { features, loadChurnData, trainChurn } from '../testing/churn-model';
import type { Tensor } from './tensors';
import { WorkerPool } from './worker-pool';

// Rows r0..r0+n of the churn data as request tensors (numeric columns FP32, categorical BYTES).
function requestOf(
  data: ReturnType<typeof loadChurnData>,
  cols: { name: string; numeric: boolean }[],
  r0: number,
  n: number,
): Tensor[] {
  return cols.map((c) => {
    const cells = data.columns[c.name]!.slice(r0, r0 + n);
    return c.numeric
      ? { name: c.name, datatype: 'FP32', shape: [n, 1], data: Float32Array.from(cells, (v) => (v === '' ? NaN : +v)) }
      : { name: c.name, datatype: 'BYTES', shape: [n, 1], data: cells };
  });
}

describe('worker pool', () => {
  const data = loadChurnData();
  const pipeline = trainChurn(data, 'lr', 7);
  const cols = features(pipeline);
  const bytes = pipeline.toOnnx();
  let pool: WorkerPool;

  beforeAll(async () => {
    pool = new WorkerPool(1);
    await pool.load('m:1', bytes);
  });
  afterAll(() => pool.close());

  it('should answer a batch of requests in one run exactly as onnxruntime does on the merged rows', async () => {
    const parts = [requestOf(data, cols, 0, 3), requestOf(data, cols, 3, 1), requestOf(data, cols, 4, 5)];
    const out = await pool.run('m:1', parts);

    const session = await ort.InferenceSession.create(bytes);
    const feeds: Record<string, ort.Tensor> = {};
    for (const c of cols) {
      const cells = data.columns[c.name]!.slice(0, 9);
      feeds[c.name] = c.numeric
        ? new ort.Tensor(
            'float32',
            Float32Array.from(cells, (v) => (v === '' ? NaN : +v)),
            [9, 1],
          )
        : new ort.Tensor('string', cells, [9, 1]);
    }
    const want = await session.run(feeds);
    await session.release();

    expect(out.outputs.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    for (const t of out.outputs) {
      expect(t.shape).toEqual(Array.from(want[t.name]!.dims, Number));
      expect(Array.from(t.data as Float32Array, Number)).toEqual(
        Array.from(want[t.name]!.data as Float32Array, Number),
      );
    }
  });
});
