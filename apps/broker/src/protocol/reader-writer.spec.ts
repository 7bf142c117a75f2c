import { Reader } from './reader';
import { Writer } from './writer';
import { ProtocolError } from './errors';

describe('Reader and Writer', () => {
  it('should read back every primitive when written by the Writer', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer(4)
      .int8(-3)
      .bool(true)
      .int16(-300)
      .int32(123456789)
      .int64(2 ** 40 + 5)
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2, 3]))
      .nullableBytes(null)
      .bytes(big)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .nullableArray(null, (w, n: number) => w.int32(n));
    const buf = Buffer.concat(w.finish());
    expect(buf.length).toBe(w.length);
    const r = new Reader(buf);
    expect([r.int8(), r.bool(), r.int16(), r.int32(), r.int64n()]).toEqual([-3, true, -300, 123456789, 2 ** 40 + 5]);
    expect([r.string(), r.nullableString()]).toEqual(['héllo', null]);
    expect([...r.bytes()]).toEqual([1, 2, 3]);
    expect(r.nullableBytes()).toBeNull();
    expect(r.bytes().equals(big)).toBe(true);
    expect(r.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(r.nullableArray((r) => r.int32())).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('should throw a ProtocolError when a field runs past the end of the buffer', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 0])).int32()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int8())).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(ProtocolError);
  });
});
