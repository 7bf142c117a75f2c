import { InferenceError } from './inference.errors';
import { decodeRaw, encodeRaw } from './raw-codec';

describe('raw tensor contents', () => {
  it('should round-trip BYTES with a 4-byte little-endian length before each element', () => {
    const raw = encodeRaw('BYTES', ['Mobile Phone', '', 'é']);
    expect(raw.readUInt32LE(0)).toBe(12);
    expect(decodeRaw('x', 'BYTES', raw)).toEqual(['Mobile Phone', '', 'é']);
  });

  it('should decode every BYTES element as written when categories repeat, interleave or never repeat', () => {
    const categories = ['Mobile Phone', 'Laptop & Accessory', 'Fashion', '', 'Café', 'Grocery', 'Others'];
    const long = 'x'.repeat(100);
    const values = [
      ...Array.from({ length: 60 }, (_, i) => categories[(i * 3) % categories.length]!),
      ...Array.from({ length: 12 }, (_, i) => `city-${i}`),
      long,
      'Mobile Phone',
      long,
      ...Array.from({ length: 40 }, (_, i) => `customer-${i * 7919}`),
      'Mobile Phone',
      'Café',
    ];
    expect(decodeRaw('x', 'BYTES', encodeRaw('BYTES', values))).toEqual(values);
    // A second tensor decodes on its own: nothing remembered from the first leaks into it.
    expect(decodeRaw('y', 'BYTES', encodeRaw('BYTES', ['Mobile Phonf', 'Mobile Phone']))).toEqual([
      'Mobile Phonf',
      'Mobile Phone',
    ]);
  });

  it('should decode little-endian numbers from an unaligned buffer', () => {
    const backing = Buffer.alloc(13);
    const view = backing.subarray(1);
    view.writeFloatLE(1.5, 0);
    view.writeFloatLE(-2, 4);
    view.writeFloatLE(NaN, 8);
    const out = decodeRaw('x', 'FP32', view) as Float32Array;
    expect(Array.from(out)).toEqual([1.5, -2, NaN]);
    expect(
      Array.from(decodeRaw('y', 'INT64', encodeRaw('INT64', BigInt64Array.from([3n, -4n]))) as BigInt64Array),
    ).toEqual([3n, -4n]);
  });

  it('should read aligned numbers in place, without a copy, when the bytes sit aligned', () => {
    const backing = Buffer.alloc(24);
    const raw = backing.subarray(8, 20);
    raw.writeFloatLE(0.5, 0);
    raw.writeFloatLE(7, 8);
    const out = decodeRaw('x', 'FP32', raw) as Float32Array;
    expect(Array.from(out)).toEqual([0.5, 0, 7]);
    expect(out.buffer).toBe(backing.buffer);
    expect(out.byteOffset).toBe(raw.byteOffset);
  });

  it('should name the tensor when the raw bytes are cut', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return { kind: (err as InferenceError).kind, field: (err as InferenceError).field };
      }
      return null;
    };
    expect(bad(() => decodeRaw('Tenure', 'FP32', Buffer.alloc(6)))).toEqual({ kind: 'invalid', field: 'Tenure' });
    const cut = Buffer.alloc(6);
    cut.writeUInt32LE(10, 0);
    expect(bad(() => decodeRaw('City', 'BYTES', cut))).toEqual({ kind: 'invalid', field: 'City' });
    expect(bad(() => decodeRaw('City', 'BYTES', Buffer.alloc(2)))).toEqual({ kind: 'invalid', field: 'City' });
  });
});
