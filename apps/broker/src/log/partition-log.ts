import * as fs from 'node:fs';
import { ErrorCode } from '../protocol/errors';
import { BatchError, parseBatches, patchBaseOffset, readInt64, type BatchInfo } from './record-batch';
import { Segment } from './segment';
import { ProducerState } from './producer-state';
import { SyncQueue } from './sync-queue';
import { scanForFetch } from './fetch-scan';
import type { LogConfig } from './log-config';

export interface AppendResult {
  readonly errorCode: ErrorCode;
  readonly baseOffset: number;
  // Resolves once the batch is as durable as the fsync policy promises (on disk for 'always').
  readonly durable: Promise<void>;
}

export interface ReadResult {
  readonly errorCode: ErrorCode;
  readonly records: Buffer[];
  readonly bytes: number;
}

const DONE = Promise.resolve();

// One partition: an ordered list of segments, the high watermark and idempotent-producer state.
export class PartitionLog {
  private readonly listeners = new Set<() => void>();
  private readonly syncQueue: SyncQueue;
  private hw: number;
  private closed = false;
  private dirty = false;

  private constructor(
    readonly dir: string,
    private readonly config: LogConfig,
    private readonly segments: Segment[],
    private readonly producers: ProducerState,
  ) {
    this.hw = this.active.nextOffset;
    this.syncQueue = new SyncQueue(this.active.fd);
  }

  static open(dir: string, config: LogConfig, onTruncate: (bytes: number) => void): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const bases = fs
      .readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    const state = new ProducerState();
    bases.forEach((base, i) => {
      const last = i === bases.length - 1;
      // Sealed segments open from their index; only the active one (or a bad index) is scanned.
      const sealed = last ? null : Segment.openSealed(dir, base, bases[i + 1]);
      if (sealed) {
        segments.push(sealed);
        return;
      }
      const { segment, truncatedBytes } = Segment.recover(dir, base, last, (b) => state.record(b, b.baseOffset));
      if (truncatedBytes > 0) onTruncate(truncatedBytes);
      segments.push(segment);
    });
    if (segments.length === 0) segments.push(Segment.create(dir, 0));
    return new PartitionLog(dir, config, segments, state);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Validates, assigns offsets and writes the whole records field with one write.
  append(records: Buffer): AppendResult {
    if (this.closed)
      return {
        errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
        baseOffset: -1,
        durable: DONE,
      };
    let batches: BatchInfo[];
    try {
      batches = parseBatches(records, false);
    } catch (e) {
      if (!(e instanceof BatchError)) throw e;
      const code = e.problem === 'bad-magic' ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE;
      return { errorCode: code, baseOffset: -1, durable: DONE };
    }
    if (batches.length === 0)
      return {
        errorCode: ErrorCode.CORRUPT_MESSAGE,
        baseOffset: -1,
        durable: DONE,
      };
    for (const b of batches) {
      if (b.size > this.config.maxMessageBytes) {
        return {
          errorCode: ErrorCode.MESSAGE_TOO_LARGE,
          baseOffset: -1,
          durable: DONE,
        };
      }
    }
    // Idempotent producers send one batch per partition; a retried batch gets its first offset back.
    const seq = this.producers.check(batches[0]);
    switch (seq.kind) {
      case 'duplicate':
        return {
          errorCode: ErrorCode.NONE,
          baseOffset: seq.baseOffset,
          durable: this.durableFor(this.logEndOffset),
        };
      case 'out-of-order':
        return {
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          baseOffset: -1,
          durable: DONE,
        };
      case 'fenced':
        return {
          errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
          baseOffset: -1,
          durable: DONE,
        };
      case 'ok':
        break;
    }
    if (this.active.size > 0 && this.active.size + records.length > this.config.segmentBytes) this.roll();
    const seg = this.active;
    const firstOffset = seg.nextOffset;
    let next = firstOffset;
    for (const b of batches) {
      patchBaseOffset(records, b.start, next);
      next += b.lastOffsetDelta + 1;
    }
    fs.writeSync(seg.fd, records, 0, records.length, seg.size);
    this.dirty = true;
    next = firstOffset;
    for (const b of batches) {
      const end = next + b.lastOffsetDelta + 1;
      seg.noteAppend(next, end, b.size, b.maxTimestamp);
      this.producers.record(b, next);
      next = end;
    }
    return {
      errorCode: ErrorCode.NONE,
      baseOffset: firstOffset,
      durable: this.durableFor(next),
    };
  }

  private durableFor(endOffset: number): Promise<void> {
    if (this.config.fsync.kind !== 'always') {
      this.advance(endOffset);
      return DONE;
    }
    return this.syncQueue.sync().then(() => this.advance(endOffset));
  }

  private advance(endOffset: number): void {
    if (endOffset <= this.hw) return;
    this.hw = endOffset;
    for (const l of [...this.listeners]) l();
  }

  private roll(): void {
    const old = this.active;
    old.seal();
    const seg = Segment.create(this.dir, old.nextOffset);
    this.segments.push(seg);
    this.syncQueue.setFd(seg.fd);
  }

  // Whole batches from the one containing `offset`, up to maxBytes (the first batch always fits).
  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    if (offset < this.logStartOffset || offset > this.hw) {
      return {
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        records: [],
        bytes: 0,
      };
    }
    const empty = { errorCode: ErrorCode.NONE, records: [], bytes: 0 };
    if (offset === this.hw) return empty;
    let i = this.segments.length - 1;
    while (i > 0 && this.segments[i].baseOffset > offset) i--;
    let seg = this.segments[i];
    if (offset >= seg.nextOffset && i + 1 < this.segments.length) seg = this.segments[i + 1];
    const hw = this.hw;
    let pos = seg.lookup(offset);
    let want = Math.min(seg.size - pos, maxBytes + 8192);
    for (let attempt = 0; attempt < 4 && want > 0; attempt++) {
      const buf = Buffer.allocUnsafe(want);
      let n: number;
      try {
        n = await readAt(seg.fd, buf, pos);
      } catch {
        return empty; // segment removed by retention while reading; the client asks again
      }
      const r = scanForFetch(buf.subarray(0, n), offset, hw, maxBytes);
      if (r.needMore > 0) {
        pos += r.skip;
        want = Math.min(seg.size - pos, r.needMore);
        continue;
      }
      if (r.end === r.start) return empty;
      const slice = buf.subarray(r.start, r.end);
      return {
        errorCode: ErrorCode.NONE,
        records: [slice],
        bytes: slice.length,
      };
    }
    return empty;
  }

  // First offset whose batch has a timestamp >= ts (batch granularity, like Kafka's time index).
  async offsetForTimestamp(ts: number): Promise<number> {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < ts) continue;
      const buf = Buffer.allocUnsafe(seg.size);
      const n = await readAt(seg.fd, buf, 0);
      let at = 0;
      while (at + 61 <= n) {
        const size = 12 + buf.readInt32BE(at + 8);
        if (readInt64(buf, at + 35) >= ts) return Math.max(readInt64(buf, at), this.logStartOffset);
        at += size;
      }
    }
    return this.hw;
  }

  // Deletes whole sealed segments past the byte or age limit; the active segment is never deleted.
  applyRetention(now: number): number {
    let removed = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const overSize = this.config.retentionBytes >= 0 && this.sizeBytes - oldest.size >= this.config.retentionBytes;
      const overAge =
        this.config.retentionMs >= 0 && oldest.maxTimestamp >= 0 && oldest.maxTimestamp < now - this.config.retentionMs;
      if (!overSize && !overAge) break;
      if (oldest.nextOffset > this.hw) break;
      this.segments.shift();
      oldest.remove();
      removed++;
    }
    return removed;
  }

  // fsync whatever was written since the last flush (the 'interval' policy's timer and shutdown).
  flush(): Promise<void> {
    if (!this.dirty || this.closed) return DONE;
    this.dirty = false;
    const end = this.logEndOffset;
    return this.syncQueue.sync().then(() => this.advance(end));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.fdatasyncSync(this.active.fd);
    for (const s of this.segments) s.close();
    for (const l of [...this.listeners]) l();
  }

  remove(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.segments) s.remove();
    fs.rmSync(this.dir, { recursive: true, force: true });
    for (const l of [...this.listeners]) l();
  }
}

function readAt(fd: number, buf: Buffer, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n)));
  });
}
