import { crc32c } from './crc32c';
import { writeInt64 } from './record-batch';

// Builds uncompressed magic-2 record batches: used by unit tests and tools that need real bytes.
export interface BuildOptions {
  readonly timestamp?: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
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

function record(offsetDelta: number, value: Buffer): Buffer {
  const body: number[] = [0]; // attributes
  varint(body, 0); // timestamp delta
  varint(body, offsetDelta);
  varint(body, -1); // null key
  varint(body, value.length);
  const tail: number[] = [];
  varint(tail, 0); // no headers
  const len: number[] = [];
  varint(len, body.length + value.length + tail.length);
  return Buffer.concat([Buffer.from(len), Buffer.from(body), value, Buffer.from(tail)]);
}

export function buildBatch(values: (string | Buffer)[], options: BuildOptions = {}): Buffer {
  const records = Buffer.concat(values.map((v, i) => record(i, Buffer.isBuffer(v) ? v : Buffer.from(v))));
  const header = Buffer.alloc(61);
  const ts = options.timestamp ?? Date.now();
  header.writeInt32BE(61 - 12 + records.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(0, 21);
  header.writeInt32BE(values.length - 1, 23);
  writeInt64(header, 27, ts);
  writeInt64(header, 35, ts);
  writeInt64(header, 43, options.producerId ?? -1);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(values.length, 57);
  const batch = Buffer.concat([header, records]);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}
