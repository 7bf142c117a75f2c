import * as zlib from 'node:zlib';
import { Codec, CompressionError, decompress } from './compression';

describe('decompression of record batch payloads', () => {
  it('should expand a raw snappy block with a literal and an overlapping copy', () => {
    // length 9, literal "abc", copy of 6 bytes from 3 back
    const block = Buffer.from([0x09, 0x08, 0x61, 0x62, 0x63, 0x09, 0x03]);
    expect(decompress(Codec.snappy, block).toString()).toBe('abcabcabc');
  });

  it('should read the xerial framing the Java client writes around snappy blocks', () => {
    const block = Buffer.from([0x09, 0x08, 0x61, 0x62, 0x63, 0x09, 0x03]);
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    const framed = Buffer.concat([header, length, block, length, block]);
    expect(decompress(Codec.snappy, framed).toString()).toBe('abcabcabc'.repeat(2));
  });

  it('should expand an LZ4 frame with a compressed and an uncompressed block', () => {
    const compressed = Buffer.from([0x32, 0x61, 0x62, 0x63, 0x03, 0x00, 0x00]); // "abc" + copy 6 from 3
    const stored = Buffer.from('xyz');
    const size = (n: number, raw = false): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE((n | (raw ? 0x80000000 : 0)) >>> 0);
      return b;
    };
    const frame = Buffer.concat([
      Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), // magic, FLG, BD, header checksum
      size(compressed.length),
      compressed,
      size(stored.length, true),
      stored,
      size(0),
    ]);
    expect(decompress(Codec.lz4, frame).toString()).toBe('abcabcabcxyz');
  });

  it('should decompress gzip and refuse a back-reference before the start with a typed error', () => {
    expect(decompress(Codec.gzip, zlib.gzipSync('hello')).toString()).toBe('hello');
    expect(() => decompress(Codec.snappy, Buffer.from([0x04, 0x09, 0x05]))).toThrow(CompressionError);
    expect(() => decompress(7, Buffer.alloc(1))).toThrow(/unknown compression codec 7/);
  });
});
