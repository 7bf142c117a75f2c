import * as fs from 'node:fs';
import * as path from 'node:path';
import { readInt64 } from './record-batch';
import { fsyncDir, readAt, writeFully, writeNewFile, type FileOps } from './file-io';

// An index entry is kept once this many log bytes have passed since the previous one.
export const INDEX_INTERVAL_BYTES = 4096;
const ENTRY = 8; // relative offset int32 + position int32
const TIME_ENTRY = 8; // largest batch timestamp of the entry's region, int64
// Positions in the index are 32-bit, so no segment may grow past this.
export const MAX_SEGMENT_BYTES = 2147483647;

export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

// One append-only file of raw batches with a sparse in-memory index: every INDEX_INTERVAL_BYTES a
// (offset, position) entry plus the largest timestamp of the batches up to the next entry. The
// index is written to `.index` and `.timeindex` when the segment is sealed; the active segment's
// is rebuilt by the scan on start.
export class Segment {
  readonly offsets: number[] = [];
  readonly positions: number[] = [];
  readonly regionMaxTs: number[] = [];
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  firstTimestamp = -1; // of the first batch: segment.ms counts from here, as in Kafka
  timestampsKnown = true; // false for a sealed segment without a time index (older data dirs)
  // Wall clock of the first append (or the first batch's timestamp after a restart): segment.ms.
  rollBase = -1;
  private sinceIndex = Infinity;
  private pins = 0;
  private retired = false;
  private closedFd = false;
  private onClosed: (() => void)[] = [];

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly fd: number,
    private readonly ops: FileOps,
    readonly createdAt = Date.now(),
  ) {
    this.nextOffset = baseOffset;
  }

  get logPath(): string {
    return path.join(this.dir, `${segmentName(this.baseOffset)}.log`);
  }

  get indexPath(): string {
    return path.join(this.dir, `${segmentName(this.baseOffset)}.index`);
  }

  get timeIndexPath(): string {
    return path.join(this.dir, `${segmentName(this.baseOffset)}.timeindex`);
  }

  // A new, empty segment; the directory is fsynced so the file survives a power loss.
  static create(dir: string, baseOffset: number, ops: FileOps): Segment {
    const file = path.join(dir, `${segmentName(baseOffset)}.log`);
    const fd = fs.openSync(file, 'w+');
    fsyncDir(dir);
    return new Segment(dir, baseOffset, fd, ops);
  }

  // Opens a sealed segment (one that has a successor) from its index without reading the log.
  // Returns null when the index is missing or inconsistent; the caller then scans the log instead.
  static openSealed(dir: string, baseOffset: number, nextOffset: number, ops: FileOps): Segment | null {
    const name = path.join(dir, segmentName(baseOffset));
    let index: Buffer;
    try {
      index = fs.readFileSync(`${name}.index`);
    } catch {
      return null;
    }
    const fd = fs.openSync(`${name}.log`, 'r+');
    const stat = fs.fstatSync(fd);
    const seg = new Segment(dir, baseOffset, fd, ops, stat.mtimeMs);
    for (let at = 0; at + ENTRY <= index.length; at += ENTRY) {
      const offset = baseOffset + index.readInt32BE(at);
      const position = index.readInt32BE(at + 4);
      const prev = seg.positions.length;
      const ordered = prev === 0 ? position === 0 : position > seg.positions[prev - 1];
      if (!ordered || offset >= nextOffset || position >= stat.size || offset < (seg.offsets.at(-1) ?? baseOffset)) {
        fs.closeSync(fd);
        return null;
      }
      seg.offsets.push(offset);
      seg.positions.push(position);
    }
    // Spot-check the last entry against the batch header it points at.
    const probe = Buffer.alloc(8);
    const lastAt = seg.positions.at(-1) ?? -1;
    if (lastAt < 0 || fs.readSync(fd, probe, 0, 8, lastAt) !== 8 || readInt64(probe, 0) !== seg.offsets.at(-1)) {
      fs.closeSync(fd);
      return null;
    }
    seg.size = stat.size;
    seg.nextOffset = nextOffset;
    seg.loadTimeIndex(`${name}.timeindex`, Math.floor(stat.mtimeMs));
    return seg;
  }

  private loadTimeIndex(file: string, mtime: number): void {
    let times: Buffer | null = null;
    try {
      times = fs.readFileSync(file);
    } catch {
      times = null;
    }
    if (!times || times.length !== this.offsets.length * TIME_ENTRY) {
      // Older data dirs have no time index: the file's mtime stands in for the largest timestamp
      // (retention) until a timestamp lookup rebuilds it.
      this.timestampsKnown = false;
      this.maxTimestamp = mtime;
      return;
    }
    for (let at = 0; at < times.length; at += TIME_ENTRY) {
      const ts = readInt64(times, at);
      this.regionMaxTs.push(ts);
      if (ts > this.maxTimestamp) this.maxTimestamp = ts;
    }
    this.firstTimestamp = this.regionMaxTs[0] ?? -1;
  }

  // Makes the log durable and writes its index files, so a restart can open it without a scan.
  seal(): void {
    this.ops.fdatasyncSync(this.fd);
    this.writeIndexFiles();
  }

  // `suffix` lets the log cleaner write `.index.cleaned` files to swap in later.
  writeIndexFiles(suffix = ''): void {
    const index = Buffer.allocUnsafe(this.offsets.length * ENTRY);
    const times = Buffer.allocUnsafe(this.offsets.length * TIME_ENTRY);
    for (let i = 0; i < this.offsets.length; i++) {
      index.writeInt32BE(this.offsets[i] - this.baseOffset, i * ENTRY);
      index.writeInt32BE(this.positions[i], i * ENTRY + 4);
      times.writeBigInt64BE(BigInt(this.regionMaxTs[i]), i * TIME_ENTRY);
    }
    writeNewFile(this.ops, `${this.timeIndexPath}${suffix}`, times);
    writeNewFile(this.ops, `${this.indexPath}${suffix}`, index);
  }

  // Appends already-framed batches at the end of the file (checked: a short write throws).
  write(buf: Buffer): void {
    writeFully(this.ops, this.fd, buf, this.size);
  }

  // Records one batch that now sits at position `size`.
  noteAppend(baseOffset: number, nextOffset: number, bytes: number, maxTimestamp: number): void {
    if (this.sinceIndex >= INDEX_INTERVAL_BYTES) {
      this.offsets.push(baseOffset);
      this.positions.push(this.size);
      this.regionMaxTs.push(maxTimestamp);
      this.sinceIndex = 0;
    } else if (maxTimestamp > this.regionMaxTs[this.regionMaxTs.length - 1]) {
      this.regionMaxTs[this.regionMaxTs.length - 1] = maxTimestamp;
    }
    if (this.firstTimestamp < 0) this.firstTimestamp = maxTimestamp;
    this.sinceIndex += bytes;
    this.size += bytes;
    this.nextOffset = nextOffset;
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
  }

  // Byte position of the last indexed batch whose base offset is <= offset.
  lookup(offset: number): number {
    return this.positions[this.entryFor(offset)] ?? 0;
  }

  private entryFor(offset: number): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid] <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  // Position of the first index region that may hold a batch with a timestamp >= ts, or -1.
  positionForTimestamp(ts: number, fromOffset: number): number {
    for (let i = this.entryFor(fromOffset); i < this.regionMaxTs.length; i++) {
      if (this.regionMaxTs[i] >= ts) return this.positions[i];
    }
    return -1;
  }

  // Rebuilds the time index of a sealed segment from older data dirs by walking its batch headers.
  async rebuildTimeIndex(): Promise<void> {
    if (this.timestampsKnown) return;
    const header = Buffer.allocUnsafe(43);
    const times = this.offsets.map(() => -1);
    let entry = 0;
    let max = -1;
    for (let pos = 0; pos + 43 <= this.size;) {
      if ((await this.read(header, pos)) < 43) break;
      while (entry + 1 < this.positions.length && this.positions[entry + 1] <= pos) entry++;
      const ts = readInt64(header, 35);
      if (ts > times[entry]) times[entry] = ts;
      if (ts > max) max = ts;
      pos += 12 + header.readInt32BE(8);
    }
    this.regionMaxTs.splice(0, this.regionMaxTs.length, ...times);
    this.maxTimestamp = max;
    this.firstTimestamp = times[0] ?? -1;
    this.timestampsKnown = true;
  }

  // A read that keeps the descriptor open until it finishes, even if the segment is retired.
  async read(buf: Buffer, pos: number): Promise<number> {
    if (this.closedFd) throw new Error(`segment ${this.logPath} is closed`);
    this.pins++;
    try {
      return await readAt(this.fd, buf, pos);
    } finally {
      this.pins--;
      if (this.pins === 0 && this.retired) this.closeNow();
    }
  }

  // fdatasync that also keeps the descriptor open until it completes.
  datasync(cb: (err: Error | null) => void): void {
    this.pins++;
    this.ops.fdatasync(this.fd, (err) => {
      this.pins--;
      if (this.pins === 0 && this.retired) this.closeNow();
      cb(err);
    });
  }

  // Closes the descriptor once no read or sync uses it; with unlink, removes the files at once.
  retire(unlink: boolean): Promise<void> {
    if (unlink) {
      for (const f of [this.logPath, this.indexPath, this.timeIndexPath]) fs.rmSync(f, { force: true });
    }
    this.retired = true;
    if (this.pins === 0) this.closeNow();
    if (this.closedFd) return Promise.resolve();
    return new Promise((resolve) => this.onClosed.push(resolve));
  }

  private closeNow(): void {
    if (this.closedFd) return;
    this.closedFd = true;
    fs.closeSync(this.fd);
    for (const f of this.onClosed.splice(0)) f();
  }
}
