import { crc32c } from './crc32c';

// Magic-2 RecordBatch header layout (offsets in bytes from the batch start).
export const BATCH_OVERHEAD = 12; // baseOffset + batchLength precede the counted bytes
export const BATCH_HEADER_SIZE = 61;
const MAGIC_AT = 16;
const CRC_AT = 17;
const CRC_FROM = 21;
const LAST_OFFSET_DELTA_AT = 23;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const RECORD_COUNT_AT = 57;

export interface BatchInfo {
  readonly start: number; // position inside the scanned buffer
  readonly size: number; // whole batch, header included
  readonly baseOffset: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export type BatchProblem = 'truncated' | 'bad-length' | 'bad-magic' | 'bad-crc';

export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    readonly problem: BatchProblem,
    message: string,
  ) {
    super(message);
  }
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, v: number): void {
  buf.writeInt32BE(Math.floor(v / 4294967296), at);
  buf.writeUInt32BE(v >>> 0, at + 4);
}

// Size of the batch starting at `at`, or -1 when fewer than 12 bytes remain.
export function batchSizeAt(buf: Buffer, at: number): number {
  if (at + BATCH_OVERHEAD > buf.length) return -1;
  return BATCH_OVERHEAD + buf.readInt32BE(at + 8);
}

export function parseBatchAt(buf: Buffer, at: number, checkCrc: boolean): BatchInfo {
  const size = batchSizeAt(buf, at);
  if (size === -1) throw new BatchError('truncated', 'batch header truncated');
  if (size < BATCH_HEADER_SIZE) throw new BatchError('bad-length', `batch length ${size} below header size`);
  if (at + size > buf.length) throw new BatchError('truncated', `batch of ${size} bytes truncated`);
  if (buf[at + MAGIC_AT] !== 2) throw new BatchError('bad-magic', `unsupported magic ${buf[at + MAGIC_AT]}`);
  if (checkCrc && crc32c(buf, at + CRC_FROM, at + size) !== buf.readUInt32BE(at + CRC_AT)) {
    throw new BatchError('bad-crc', 'batch CRC mismatch');
  }
  return {
    start: at,
    size,
    baseOffset: readInt64(buf, at),
    lastOffsetDelta: buf.readInt32BE(at + LAST_OFFSET_DELTA_AT),
    maxTimestamp: readInt64(buf, at + MAX_TIMESTAMP_AT),
    producerId: readInt64(buf, at + PRODUCER_ID_AT),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_AT),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_AT),
    recordCount: buf.readInt32BE(at + RECORD_COUNT_AT),
  };
}

// Splits a produce request's records field into batches; any framing problem rejects the whole set.
export function parseBatches(buf: Buffer, checkCrc: boolean): BatchInfo[] {
  const out: BatchInfo[] = [];
  let at = 0;
  while (at < buf.length) {
    const b = parseBatchAt(buf, at, checkCrc);
    if (b.lastOffsetDelta < 0 || b.recordCount < 0) throw new BatchError('bad-length', 'negative record count');
    out.push(b);
    at += b.size;
  }
  return out;
}

// Only baseOffset and partitionLeaderEpoch change; both sit before the CRC'd range.
export function patchBaseOffset(buf: Buffer, at: number, baseOffset: number): void {
  writeInt64(buf, at, baseOffset);
  buf.writeInt32BE(0, at + 12);
}
