import { encodeResponse } from './oip.mapper';
import type { InferAnswer } from '../serving/inference.service';

describe('OIP gRPC mapper', () => {
  it('should answer every datatype in typed contents with the values served when binary data is not asked', () => {
    const answer: InferAnswer = {
      model: 'm',
      version: 2,
      id: 'r1',
      parameters: {},
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [3], data: BigInt64Array.from([1n, -2n, 9007199254740991n]) },
        { name: 'p', datatype: 'FP32', shape: [3], data: Float32Array.from([0.1, NaN, -Infinity]) },
        { name: 'd', datatype: 'FP64', shape: [2], data: Float64Array.from([0.1, -0]) },
        { name: 'b', datatype: 'BOOL', shape: [3], data: Uint8Array.from([0, 1, 2]) },
        { name: 'i', datatype: 'INT32', shape: [2], data: Int32Array.from([-5, 7]) },
        { name: 's', datatype: 'BYTES', shape: [1], data: ['é'] },
      ],
    };
    const contents = encodeResponse(answer, false).outputs!.map((o) => o.contents);
    expect(contents).toEqual([
      { int64Contents: [1, -2, 9007199254740991] },
      { fp32Contents: [Math.fround(0.1), NaN, -Infinity] },
      { fp64Contents: [0.1, -0] },
      { boolContents: [false, true, true] },
      { intContents: [-5, 7] },
      { bytesContents: [Buffer.from('é')] },
    ]);
    expect(encodeResponse(answer, true).outputs!.every((o) => o.contents === undefined)).toBe(true);
  });
});
