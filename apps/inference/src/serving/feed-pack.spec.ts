import { packFeeds, UNPACK_FEEDS_SOURCE } from './feed-pack';
import type { Tensor } from './tensors';

// The worker's half, evaluated as the worker evaluates it, with a recording stand-in for ort.Tensor.
const unpack = new Function('ort', 'packed', `${UNPACK_FEEDS_SOURCE}\nreturn unpackFeeds(ort, packed);`) as (
  ort: unknown,
  packed: unknown,
) => Record<string, { type: string; data: ArrayLike<unknown>; dims: number[] }>;
const ort = {
  Tensor: class {
    constructor(
      readonly type: string,
      readonly data: ArrayLike<unknown>,
      readonly dims: number[],
    ) {}
  },
};

const request = (city: string[], x: number[], n: bigint[], flag: number[]): Tensor[] => [
  { name: 'city', datatype: 'BYTES', shape: [city.length, 1], data: city },
  { name: 'x', datatype: 'FP32', shape: [x.length / 2, 2], data: Float32Array.from(x) },
  { name: 'n', datatype: 'INT64', shape: [n.length], data: BigInt64Array.from(n) },
  { name: 'flag', datatype: 'BOOL', shape: [flag.length], data: Uint8Array.from(flag) },
];

describe('feed packing for the worker', () => {
  it('should merge every request along the first dimension when a batch is packed and unpacked', () => {
    const a = request(['', 'Mobile Phone'], [1, 2, 3, 4], [1n, -2n], [1, 0]);
    const b = request(['Ünïcödé ✓ 😀', 'a'.repeat(300), '\u0000x'], [5, 6, 7, 8, 9.5, -1], [3n, 4n, 5n], [0, 1, 1]);
    const packed = packFeeds([a, b]);
    const back = unpack(ort, structuredClone(packed, { transfer: [packed.buffer] }));

    expect(Array.from(back['city']!.data)).toEqual(['', 'Mobile Phone', 'Ünïcödé ✓ 😀', 'a'.repeat(300), '\u0000x']);
    expect(back['city']).toMatchObject({ type: 'string', dims: [5, 1] });
    expect(Array.from(back['x']!.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9.5, -1]);
    expect(back['x']).toMatchObject({ type: 'float32', dims: [5, 2] });
    expect(Array.from(back['n']!.data)).toEqual([1n, -2n, 3n, 4n, 5n]);
    expect(back['n']!.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(back['flag']!.data)).toEqual([1, 0, 0, 1, 1]);
    expect(back['flag']).toMatchObject({ type: 'bool', dims: [5] });
  });

  it('should not alias the request buffers when one request is packed alone', () => {
    const a = request(['z'], [1, 2], [7n], [1]);
    const packed = packFeeds([a]);
    (a[1]!.data as Float32Array)[0] = 42;
    expect(Array.from(unpack(ort, packed)['x']!.data)).toEqual([1, 2]);
  });
});
