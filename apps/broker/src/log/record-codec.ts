import { crc32c } from './crc32c';
import { decompress } from './compression';
import { BATCH_HEADER_SIZE, readInt64 } from './record-batch';

// Reads the records inside one magic-2 batch (decompressing when needed) and rebuilds batches from
// a subset of them. Used by the log cleaner, key checks on compacted topics and timestamp lookups.
export interface RecordView {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null; // null: a tombstone
  readonly isTombstone: boolean;
  readonly raw: Buffer; // the whole record, length prefix included
}

const ATTRIBUTES_AT = 21;
const BASE_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const RECORD_COUNT_AT = 57;
const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;

export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let raw = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RecordFormatError('truncated varint');
      raw += (b & 0x7f) * shift;
      shift *= 128;
      if (b < 0x80) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    throw new RecordFormatError('varint too long');
  }

  bytes(n: number): Buffer | null {
    if (n < 0) return null;
    if (this.pos + n > this.buf.length) throw new RecordFormatError('field past the end of the record');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export function isControlBatch(batch: Buffer): boolean {
  return (batch.readInt16BE(ATTRIBUTES_AT) & CONTROL) !== 0;
}

export function decodeRecords(batch: Buffer): RecordView[] {
  const attributes = batch.readInt16BE(ATTRIBUTES_AT);
  if (attributes & CONTROL) return [];
  const baseOffset = readInt64(batch, 0);
  const baseTimestamp = readInt64(batch, BASE_TIMESTAMP_AT);
  const logAppendTime = (attributes & LOG_APPEND_TIME) !== 0;
  const maxTimestamp = readInt64(batch, MAX_TIMESTAMP_AT);
  const count = batch.readInt32BE(RECORD_COUNT_AT);
  const data = decompress(attributes & 0x07, batch.subarray(BATCH_HEADER_SIZE));
  const c = new Cursor(data, 0);
  const out: RecordView[] = [];
  for (let i = 0; i < count; i++) {
    const start = c.pos;
    const length = c.varint();
    const end = c.pos + length;
    if (length < 0 || end > data.length) throw new RecordFormatError(`record ${i} overruns its batch`);
    c.pos += 1; // attributes
    const tsDelta = c.varint();
    const offsetDelta = c.varint();
    const key = c.bytes(c.varint());
    const valueLength = c.varint();
    const value = c.bytes(valueLength);
    c.pos = end;
    out.push({
      offset: baseOffset + offsetDelta,
      timestamp: logAppendTime ? maxTimestamp : baseTimestamp + tsDelta,
      key: key ? Buffer.from(key) : null,
      value,
      isTombstone: valueLength < 0,
      raw: data.subarray(start, end),
    });
  }
  return out;
}

// A batch holding only `kept` (uncompressed), with the original base offset, last offset delta,
// timestamps and producer fields, so offsets and producer state are unchanged; the CRC is new.
export function rebuildBatch(original: Buffer, kept: readonly RecordView[]): Buffer {
  const records = Buffer.concat(kept.map((r) => r.raw));
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + records.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  records.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(original.readInt16BE(ATTRIBUTES_AT) & ~0x07, ATTRIBUTES_AT);
  out.writeInt32BE(kept.length, RECORD_COUNT_AT);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_AT, out.length), 17);
  return out;
}

// Record-granular ListOffsets answer inside one batch (falls back to the batch when undecodable).
export function firstRecordAtOrAfter(
  batch: Buffer,
  ts: number,
  minOffset: number,
): { offset: number; timestamp: number } | null {
  let records: RecordView[];
  try {
    records = decodeRecords(batch);
  } catch {
    return { offset: Math.max(readInt64(batch, 0), minOffset), timestamp: readInt64(batch, MAX_TIMESTAMP_AT) };
  }
  const r = records.find((x) => x.offset >= minOffset && x.timestamp >= ts);
  return r ? { offset: r.offset, timestamp: r.timestamp } : null;
}
