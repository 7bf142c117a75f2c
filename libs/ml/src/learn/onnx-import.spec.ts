import { Random } from '../core';
import { MlErrorCode } from './errors';
import { loadPipeline } from './onnx-import';
import { encodeOnnxModel } from './onnx-proto';
import { ALGOS } from './params';
import { fitPipeline } from './pipeline';
import type { Cell } from './table';

function table(rows: number, seed: number): Record<string, Cell[]> {
  const random = new Random(seed);
  const cols: Record<string, Cell[]> = { amount: [], plan: [], member: [], churn: [] };
  for (let i = 0; i < rows; i++) {
    const amount = random.nextFloat() * 100;
    const plan = `p${random.nextInt(8)}`;
    const member = random.nextFloat() < 0.5;
    const s = (amount - 50) / 20 + (plan === 'p1' ? 1.5 : 0) - (member ? 0.8 : 0);
    cols.amount.push(random.nextFloat() < 0.1 ? 'NA' : amount.toFixed(1));
    cols.plan.push(random.nextFloat() < 0.05 ? '' : plan);
    cols.member.push(random.nextFloat() < 0.05 ? '' : member ? 'yes' : 'no');
    cols.churn.push(random.nextFloat() < 1 / (1 + Math.exp(-s)) ? '1' : '0');
  }
  return cols;
}

describe('loadPipeline', () => {
  it.each(ALGOS)('should read a %s model back from its ONNX bytes and score and explain it the same', (algo) => {
    const data = table(500, 1);
    const fitted = fitPipeline(data, {
      target: 'churn',
      algo,
      seed: 3,
      params: algo === 'rf' ? { nTrees: 15 } : {},
      maxCategories: 5,
    });
    const bytes = fitted.toOnnx();
    const loaded = loadPipeline(bytes);
    expect(Buffer.from(loaded.toOnnx()).equals(Buffer.from(bytes))).toBe(true);
    expect(loaded.card).toEqual(fitted.card);
    const rows = table(100, 2);
    expect(Array.from(loaded.predictProba(rows))).toEqual(Array.from(fitted.predictProba(rows)));
    const a = fitted.explain(rows);
    const b = loaded.explain(rows);
    expect(b.expectedValue).toBe(a.expectedValue);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });

  it('should throw INVALID_MODEL when the bytes are not an ONNX model', () => {
    expect(() => loadPipeline(Uint8Array.of(1, 2, 3, 255, 255))).toThrow(
      expect.objectContaining({ code: MlErrorCode.InvalidModel }),
    );
  });

  it('should throw INVALID_MODEL naming what is missing when the model was not written by Keel', () => {
    const bytes = encodeOnnxModel({ irVersion: 9, producerName: 'skl2onnx', graph: { name: 'g' } });
    expect(() => loadPipeline(bytes)).toThrow(/not a Keel model \(no keel.model_card\)/);
  });
});
