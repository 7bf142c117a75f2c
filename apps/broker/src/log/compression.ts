import * as zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

// Decompression of a record batch's records for the few places that read inside batches (the log
// cleaner, key checks on compacted topics, ListOffsets by timestamp). Produce and fetch never
// decompress: batches are stored and served as received.
export const Codec = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export class CompressionError extends Error {
  override readonly name = 'CompressionError';
}

export function decompress(codec: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case Codec.none:
        return data;
      case Codec.gzip:
        return zlib.gunzipSync(data);
      case Codec.snappy:
        return snappy(data);
      case Codec.lz4:
        return lz4Frame(data);
      case Codec.zstd:
        return Buffer.from(zstdDecompress(data));
      default:
        throw new CompressionError(`unknown compression codec ${codec}`);
    }
  } catch (e) {
    if (e instanceof CompressionError) throw e;
    throw new CompressionError(`cannot decompress codec ${codec}: ${(e as Error).message}`);
  }
}

// Growable output that matches may copy from (snappy and LZ4 back-references).
class Out {
  buf: Buffer;
  len = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 64));
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.len + n, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  literal(src: Buffer, from: number, n: number): void {
    if (from + n > src.length) throw new CompressionError('literal past the end of the input');
    this.ensure(n);
    src.copy(this.buf, this.len, from, from + n);
    this.len += n;
  }
  match(offset: number, n: number): void {
    if (offset <= 0 || offset > this.len) throw new CompressionError(`bad back-reference ${offset}`);
    this.ensure(n);
    for (let i = 0; i < n; i++, this.len++) this.buf[this.len] = this.buf[this.len - offset];
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

const XERIAL = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

// Raw snappy, or the xerial framing the Java client writes (16-byte header, length-prefixed blocks).
function snappy(src: Buffer): Buffer {
  if (src.length < 16 || !src.subarray(0, 8).equals(XERIAL)) return snappyBlock(src);
  const parts: Buffer[] = [];
  for (let pos = 16; pos < src.length;) {
    const n = src.readInt32BE(pos);
    parts.push(snappyBlock(src.subarray(pos + 4, pos + 4 + n)));
    pos += 4 + n;
  }
  return Buffer.concat(parts);
}

function snappyBlock(src: Buffer): Buffer {
  let expected = 0;
  let shift = 1;
  let pos = 0;
  for (;;) {
    const b = src[pos++];
    if (b === undefined) throw new CompressionError('truncated snappy length');
    expected += (b & 0x7f) * shift;
    shift *= 128;
    if (b < 0x80) break;
  }
  const out = new Out(expected);
  while (pos < src.length) {
    const tag = src[pos++];
    switch (tag & 3) {
      case 0: {
        let n = tag >>> 2;
        if (n >= 60) {
          const bytes = n - 59;
          n = 0;
          for (let i = 0; i < bytes; i++) n += src[pos + i] * 2 ** (8 * i);
          pos += bytes;
        }
        out.literal(src, pos, n + 1);
        pos += n + 1;
        break;
      }
      case 1:
        out.match(((tag >>> 5) << 8) | src[pos], ((tag >>> 2) & 7) + 4);
        pos += 1;
        break;
      case 2:
        out.match(src.readUInt16LE(pos), (tag >>> 2) + 1);
        pos += 2;
        break;
      default:
        out.match(src.readUInt32LE(pos), (tag >>> 2) + 1);
        pos += 4;
    }
  }
  if (out.len !== expected) throw new CompressionError(`snappy: ${out.len} bytes, header said ${expected}`);
  return out.result();
}

const LZ4_MAGIC = 0x184d2204;

// The LZ4 frame format (what Kafka clients write for magic-2 batches), linked or independent blocks.
function lz4Frame(src: Buffer): Buffer {
  const out = new Out(src.length * 3);
  let pos = 0;
  while (pos + 4 <= src.length) {
    const magic = src.readUInt32LE(pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 4 + src.readUInt32LE(pos); // skippable frame
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new CompressionError(`not an LZ4 frame (magic ${magic.toString(16)})`);
    const flg = src[pos];
    pos += 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1; // FLG, BD, content size, dict id, HC
    for (;;) {
      const word = src.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (word & 0x80000000) out.literal(src, pos, size);
      else lz4Block(src.subarray(pos, pos + size), out);
      pos += size + (flg & 0x10 ? 4 : 0);
    }
    if (flg & 0x04) pos += 4;
  }
  return out.result();
}

function lz4Block(src: Buffer, out: Out): void {
  let i = 0;
  while (i < src.length) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        b = src[i++];
        lit += b;
      } while (b === 255);
    }
    out.literal(src, i, lit);
    i += lit;
    if (i >= src.length) break; // the last sequence has literals only
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        b = src[i++];
        len += b;
      } while (b === 255);
    }
    out.match(offset, len + 4);
  }
}
