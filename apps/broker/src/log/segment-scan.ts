import * as fs from 'node:fs';
import { BATCH_HEADER_SIZE, BatchError, parseBatchAt, readInt64, type BatchInfo } from './record-batch';

const CHUNK = 1 << 20;
const MAGIC_AT = 16;

// Sequential, bounded-memory access to a segment file for recovery scans.
export class FileWindow {
  private buf = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
  ) {}

  // Makes bytes [pos, pos + len) available and returns them, or null past the end of the file.
  view(pos: number, len: number): { buf: Buffer; at: number } | null {
    if (pos < 0 || len < 0 || pos + len > this.fileSize) return null;
    if (pos < this.start || pos + len > this.start + this.buf.length) {
      const size = Math.min(Math.max(CHUNK, len), this.fileSize - pos);
      const buf = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const n = fs.readSync(this.fd, buf, got, size - got, pos + got);
        if (n <= 0) return null;
        got += n;
      }
      this.buf = buf;
      this.start = pos;
    }
    return { buf: this.buf, at: pos - this.start };
  }
}

// A whole, CRC-valid batch at `pos` whose offsets fit [minOffset, maxOffset), or null.
export function validBatchAt(w: FileWindow, pos: number, minOffset: number, maxOffset: number): BatchInfo | null {
  const head = w.view(pos, BATCH_HEADER_SIZE);
  if (!head) return null;
  if (head.buf[head.at + MAGIC_AT] !== 2) return null;
  const size = 12 + head.buf.readInt32BE(head.at + 8);
  const base = readInt64(head.buf, head.at);
  if (size < BATCH_HEADER_SIZE || base < minOffset || base >= maxOffset) return null;
  const whole = w.view(pos, size);
  if (!whole) return null;
  let info: BatchInfo;
  try {
    info = parseBatchAt(whole.buf, whole.at, true);
  } catch (e) {
    if (e instanceof BatchError) return null;
    throw e;
  }
  if (info.lastOffsetDelta < 0 || info.recordCount < 0 || base + info.lastOffsetDelta >= maxOffset) return null;
  return { ...info, start: pos };
}

export interface ScanResult {
  // Bytes of intact batches from the start of the file.
  readonly validEnd: number;
  // The first intact batch after a damaged region, when there is one: the batches from there on
  // were acknowledged too and must survive recovery.
  readonly resume: { readonly at: number; readonly baseOffset: number } | null;
}

// Walks a segment batch by batch, checking framing, CRC and offset order. On the first damaged
// batch it searches the rest of the file for an intact batch to resume at.
export function scanSegment(
  fd: number,
  baseOffset: number,
  offsetLimit: number,
  onBatch: (b: BatchInfo) => void,
): ScanResult {
  const w = new FileWindow(fd, fs.fstatSync(fd).size);
  let pos = 0;
  let expected = baseOffset;
  while (pos < w.fileSize) {
    const b = validBatchAt(w, pos, expected, offsetLimit);
    if (!b) return { validEnd: pos, resume: findResume(w, pos + 1, expected, offsetLimit) };
    onBatch(b);
    pos += b.size;
    expected = b.baseOffset + b.lastOffsetDelta + 1;
  }
  return { validEnd: pos, resume: null };
}

function findResume(w: FileWindow, from: number, minOffset: number, maxOffset: number): ScanResult['resume'] {
  for (let q = from; q + BATCH_HEADER_SIZE <= w.fileSize; q++) {
    const b = validBatchAt(w, q, minOffset, maxOffset);
    if (b) return { at: q, baseOffset: b.baseOffset };
  }
  return null;
}

// Calls onBatch for every batch header of an intact segment from byte `from` (producer-state replay).
export function forEachBatch(fd: number, size: number, from: number, onBatch: (b: BatchInfo) => void): void {
  const w = new FileWindow(fd, size);
  for (let pos = from; pos < size;) {
    const b = validBatchAt(w, pos, 0, Number.MAX_SAFE_INTEGER);
    if (!b) return;
    onBatch(b);
    pos += b.size;
  }
}
