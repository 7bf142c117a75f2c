import { crc32c } from './crc32c';
import { writeInt64 } from './record-batch';

// Builds uncompressed magic-2 record batches: used by unit tests and tools that need real bytes.
export interface BuildOptions {
  readonly timestamp?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly keys?: readonly (string | null)[];
  readonly timestamps?: readonly number[]; // per record; default: all at `timestamp`
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varint(out: number[], value: number): void {
  let v = zigzag(value);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function record(offsetDelta: number, tsDelta: number, key: Buffer | null, value: Buffer | null): Buffer {
  const body: number[] = [0]; // attributes
  varint(body, tsDelta);
  varint(body, offsetDelta);
  varint(body, key ? key.length : -1);
  const mid: number[] = [];
  varint(mid, value ? value.length : -1);
  const tail: number[] = [];
  varint(tail, 0); // no headers
  const parts = [
    Buffer.from(body),
    key ?? Buffer.alloc(0),
    Buffer.from(mid),
    value ?? Buffer.alloc(0),
    Buffer.from(tail),
  ];
  const len: number[] = [];
  varint(
    len,
    parts.reduce((n, p) => n + p.length, 0),
  );
  return Buffer.concat([Buffer.from(len), ...parts]);
}

const bytes = (v: string | Buffer | null): Buffer | null =>
  v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v);

// A null value is a tombstone; keys default to null.
export function buildBatch(values: (string | Buffer | null)[], options: BuildOptions = {}): Buffer {
  const ts = options.timestamp ?? Date.now();
  const times = values.map((_, i) => options.timestamps?.[i] ?? ts);
  const base = Math.min(...times);
  const records = Buffer.concat(
    values.map((v, i) => record(i, times[i] - base, bytes(options.keys?.[i] ?? null), bytes(v))),
  );
  const header = Buffer.alloc(61);
  header.writeInt32BE(61 - 12 + records.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(0, 21);
  header.writeInt32BE(values.length - 1, 23);
  writeInt64(header, 27, base);
  writeInt64(header, 35, Math.max(...times));
  writeInt64(header, 43, options.producerId ?? -1);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(values.length, 57);
  const batch = Buffer.concat([header, records]);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}
