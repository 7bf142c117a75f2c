import { InferenceError } from './inference.errors';
import { concatRows, sliceRows, type ModelSignature, type Tensor } from './tensors';
import { checkOutputs, checkSize, matchSignature } from './validate';

const signature: ModelSignature = {
  inputs: [
    { name: 'Tenure', datatype: 'FP32', shape: [-1, 1] },
    { name: 'City', datatype: 'BYTES', shape: [-1, 1] },
  ],
  outputs: [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
  ],
};

const tenure = (n: number): Tensor => ({
  name: 'Tenure',
  datatype: 'FP32',
  shape: [n, 1],
  data: new Float32Array(n).fill(1),
});
const city = (n: number): Tensor => ({ name: 'City', datatype: 'BYTES', shape: [n, 1], data: Array(n).fill('a') });

function failure(f: () => unknown): { kind: string; field?: string; message: string } | null {
  try {
    f();
    return null;
  } catch (err) {
    const e = err as InferenceError;
    return { kind: e.kind, field: e.field, message: e.message };
  }
}

describe('matching a request to the model signature', () => {
  it('should order inputs as the signature does and count the rows', () => {
    const { rows, inputs } = matchSignature(signature, [city(3), tenure(3)]);
    expect(rows).toBe(3);
    expect(inputs.map((t) => t.name)).toEqual(['Tenure', 'City']);
  });

  it.each([
    ['an unknown input', [tenure(2), city(2), { ...tenure(2), name: 'Zip' }], 'Zip'],
    ['a missing input', [tenure(2)], 'City'],
    ['a wrong datatype', [{ ...tenure(2), datatype: 'FP64' as const, data: new Float64Array(2) }, city(2)], 'Tenure'],
    ['a wrong shape', [{ ...tenure(2), shape: [1, 2] }, city(2)], 'Tenure'],
    ['disagreeing row counts', [tenure(2), city(3)], 'City'],
  ])('should reject %s naming the tensor', (_, inputs, field) => {
    expect(failure(() => matchSignature(signature, inputs as Tensor[]))).toMatchObject({ kind: 'invalid', field });
  });

  it('should reject a size that disagrees with the shape, and unknown outputs', () => {
    expect(failure(() => checkSize('Tenure', [2, 1], new Float32Array(3)))).toMatchObject({
      kind: 'invalid',
      field: 'Tenure',
      message: 'input "Tenure": 3 elements given but shape [2, 1] needs 2',
    });
    expect(failure(() => checkOutputs(signature, ['scores']))).toMatchObject({ field: 'scores' });
    expect(failure(() => checkOutputs(signature, ['label']))).toBeNull();
  });
});

describe('batch tensors', () => {
  it('should merge along the first dimension and split back per request', () => {
    const a: Tensor = { name: 'p', datatype: 'FP32', shape: [1, 2], data: Float32Array.from([1, 2]) };
    const b: Tensor = { name: 'p', datatype: 'FP32', shape: [2, 2], data: Float32Array.from([3, 4, 5, 6]) };
    const merged = concatRows([a, b], 3);
    expect(merged.shape).toEqual([3, 2]);
    expect(Array.from(merged.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const back = sliceRows(merged, 1, 3);
    expect({ shape: back.shape, data: Array.from(back.data as Float32Array) }).toEqual({
      shape: [2, 2],
      data: [3, 4, 5, 6],
    });
    const s = concatRows([city(1), city(2)], 3);
    expect(s.data).toEqual(['a', 'a', 'a']);
  });
});
