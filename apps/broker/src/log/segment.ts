import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATCH_OVERHEAD, BatchError, batchSizeAt, parseBatchAt, readInt64, type BatchInfo } from './record-batch';

// An index entry is written once this many log bytes have passed since the previous one.
export const INDEX_INTERVAL_BYTES = 4096;
const ENTRY = 8; // relative offset int32 + position int32

export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

// One append-only file of raw batches plus its sparse offset index.
export class Segment {
  readonly offsets: number[] = [];
  readonly positions: number[] = [];
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  private sinceIndex = Infinity;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly fd: number,
    private readonly indexFd: number,
  ) {
    this.nextOffset = baseOffset;
  }

  get logPath(): string {
    return path.join(this.dir, `${segmentName(this.baseOffset)}.log`);
  }

  get indexPath(): string {
    return path.join(this.dir, `${segmentName(this.baseOffset)}.index`);
  }

  static create(dir: string, baseOffset: number): Segment {
    const name = path.join(dir, segmentName(baseOffset));
    const fd = fs.openSync(`${name}.log`, 'w+');
    const indexFd = fs.openSync(`${name}.index`, 'w+');
    return new Segment(dir, baseOffset, fd, indexFd);
  }

  // Opens a sealed segment (one that has a successor) from its index file without reading the log.
  // Returns null when the index is missing or inconsistent; the caller then scans the log instead.
  // The file's mtime stands in for the largest batch timestamp (used only by age retention).
  static openSealed(dir: string, baseOffset: number, nextOffset: number): Segment | null {
    const name = path.join(dir, segmentName(baseOffset));
    let index: Buffer;
    try {
      index = fs.readFileSync(`${name}.index`);
    } catch {
      return null;
    }
    const fd = fs.openSync(`${name}.log`, 'r+');
    const stat = fs.fstatSync(fd);
    const offsets: number[] = [];
    const positions: number[] = [];
    for (let at = 0; at + ENTRY <= index.length; at += ENTRY) {
      const offset = baseOffset + index.readInt32BE(at);
      const position = index.readInt32BE(at + 4);
      const ordered = offsets.length === 0 ? position === 0 : position > positions[positions.length - 1];
      if (!ordered || offset >= nextOffset || position >= stat.size || offset < (offsets.at(-1) ?? baseOffset)) {
        fs.closeSync(fd);
        return null;
      }
      offsets.push(offset);
      positions.push(position);
    }
    // Spot-check the last entry against the batch header it points at.
    const probe = Buffer.alloc(8);
    const lastAt = positions.at(-1) ?? -1;
    const consistent =
      lastAt >= 0 && fs.readSync(fd, probe, 0, 8, lastAt) === 8 && readInt64(probe, 0) === offsets[offsets.length - 1];
    if (!consistent) {
      fs.closeSync(fd);
      return null;
    }
    const seg = new Segment(dir, baseOffset, fd, fs.openSync(`${name}.index`, 'r+'));
    seg.offsets.push(...offsets);
    seg.positions.push(...positions);
    seg.size = stat.size;
    seg.nextOffset = nextOffset;
    seg.maxTimestamp = Math.floor(stat.mtimeMs);
    return seg;
  }

  // Index entries are not synced per append; a sealed segment's index is, so a restart can trust it.
  seal(): void {
    fs.fdatasyncSync(this.fd);
    fs.fdatasyncSync(this.indexFd);
  }

  // Opens an existing segment and rebuilds its state from the batch headers, truncating a torn or
  // corrupt tail. Calls onBatch for every valid batch so the caller can rebuild producer state.
  static recover(
    dir: string,
    baseOffset: number,
    checkCrc: boolean,
    onBatch: (b: BatchInfo) => void,
  ): { segment: Segment; truncatedBytes: number } {
    const name = path.join(dir, segmentName(baseOffset));
    const fd = fs.openSync(`${name}.log`, 'r+');
    const indexFd = fs.openSync(`${name}.index`, 'w+'); // rebuilt below
    const seg = new Segment(dir, baseOffset, fd, indexFd);
    const fileSize = fs.fstatSync(fd).size;
    const chunkSize = 1 << 20;
    let pos = 0;
    let buf = Buffer.alloc(0);
    let bufStart = 0;
    for (;;) {
      const at = pos - bufStart;
      const haveHeader = at + BATCH_OVERHEAD <= buf.length;
      const size = haveHeader ? batchSizeAt(buf, at) : 0;
      if (!haveHeader || (size >= BATCH_OVERHEAD && at + size > buf.length)) {
        // Need more bytes; stop once the buffer already reaches the end of the file (torn tail).
        if (bufStart + buf.length >= fileSize && buf.length > 0) break;
        const len = Math.min(Math.max(chunkSize, size), fileSize - pos);
        if (len <= 0) break;
        buf = Buffer.allocUnsafe(len);
        fs.readSync(fd, buf, 0, len, pos);
        bufStart = pos;
        if (len === fileSize - pos && (len < BATCH_OVERHEAD || batchSizeAt(buf, 0) > len)) break;
        continue;
      }
      let info: BatchInfo;
      try {
        info = parseBatchAt(buf, at, checkCrc);
      } catch (e) {
        if (e instanceof BatchError) break;
        throw e;
      }
      seg.noteAppend(info.baseOffset, info.baseOffset + info.lastOffsetDelta + 1, info.size, info.maxTimestamp);
      onBatch({ ...info, start: pos });
      pos += info.size;
    }
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) fs.ftruncateSync(fd, pos);
    return { segment: seg, truncatedBytes };
  }

  // Records one appended batch (already written at position `size`).
  noteAppend(baseOffset: number, nextOffset: number, bytes: number, maxTimestamp: number): void {
    if (this.sinceIndex >= INDEX_INTERVAL_BYTES) {
      this.offsets.push(baseOffset);
      this.positions.push(this.size);
      const entry = Buffer.allocUnsafe(ENTRY);
      entry.writeInt32BE(baseOffset - this.baseOffset, 0);
      entry.writeInt32BE(this.size, 4);
      fs.writeSync(this.indexFd, entry, 0, ENTRY, (this.offsets.length - 1) * ENTRY);
      this.sinceIndex = 0;
    }
    this.sinceIndex += bytes;
    this.size += bytes;
    this.nextOffset = nextOffset;
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
  }

  // Byte position of the last indexed batch whose base offset is <= offset.
  lookup(offset: number): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid] <= offset) {
        found = this.positions[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  close(): void {
    fs.closeSync(this.fd);
    fs.closeSync(this.indexFd);
  }

  // Unlinks now but closes the descriptors later: a fetch may still have a read queued on this fd,
  // and closing at once would let the number be reused by another file under that read.
  remove(graceMs = 5000): void {
    fs.rmSync(this.logPath, { force: true });
    fs.rmSync(this.indexPath, { force: true });
    setTimeout(() => this.close(), graceMs).unref();
  }
}
