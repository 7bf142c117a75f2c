import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../protocol/errors';
import { writeFileAtomic } from './atomic-file';
import { realFileOps, StorageError, type FileOps } from './file-io';
import type { LogConfig } from './log-config';
import { LOG_START_FILE, recoverPartition, type RecoveryHooks } from './partition-recovery';
import { writeSnapshot, removeSnapshotsBelow } from './producer-snapshot';
import { ProducerState } from './producer-state';
import { BatchError, parseBatches, patchBaseOffset, type BatchInfo } from './record-batch';
import { Segment } from './segment';
import { SyncQueue } from './sync-queue';
import { findOffsetForTimestamp, type TimestampOffset } from './timestamp-lookup';
import { checkKeys, checkSequences } from './append-checks';
import { readBatches } from './partition-read';
import { cleanLog, CleanerSchedule, commitCleaned, type CleanResult } from './log-cleaner';
import type { TopicConfig } from './topic-config';

export interface AppendResult {
  readonly errorCode: ErrorCode;
  readonly baseOffset: number;
  // Resolves once the batch is as durable as the fsync policy promises (on disk for 'always');
  // rejects with a StorageError when that failed, and the partition is then out of service.
  readonly durable: Promise<void>;
  // A retried idempotent batch the log already holds: answered with its original offset.
  readonly duplicate?: boolean;
}

export interface ReadResult {
  readonly errorCode: ErrorCode;
  readonly records: Buffer[];
  readonly bytes: number;
}

export interface PartitionHooks extends RecoveryHooks {
  // A write or sync failed: the partition is out of service until the broker restarts.
  onFailure?(error: Error): void;
}

const DONE = Promise.resolve();

function refused(errorCode: ErrorCode): AppendResult {
  return { errorCode, baseOffset: -1, durable: DONE };
}

// One partition: an ordered list of segments, the high watermark, the log start offset and the
// idempotent-producer state. The high watermark only ever covers data the fsync policy made
// durable; after a failed write or sync it never moves again (the partition goes offline).
export class PartitionLog {
  private readonly listeners = new Set<() => void>();
  private readonly syncQueue: SyncQueue;
  private readonly ops: FileOps;
  private hw: number;
  private logStart: number;
  private closed = false;
  private dirty = false;
  private failure: Error | null = null;
  private readonly cleaner = new CleanerSchedule();

  private constructor(
    readonly dir: string,
    private config: LogConfig,
    private readonly segments: Segment[],
    readonly producers: ProducerState,
    logStartOffset: number,
    private readonly hooks: PartitionHooks,
  ) {
    this.ops = config.ops ?? realFileOps;
    this.hw = this.active.nextOffset;
    this.logStart = logStartOffset;
    const active = this.active;
    this.syncQueue = new SyncQueue((cb) => active.datasync(cb));
  }

  static open(dir: string, config: LogConfig, hooks: PartitionHooks = {}): PartitionLog {
    const ops = config.ops ?? realFileOps;
    const { segments, producers, logStartOffset } = recoverPartition(dir, ops, hooks);
    const active = segments[segments.length - 1];
    if (active.size > 0) active.rollBase = active.firstTimestamp > 0 ? Math.min(active.firstTimestamp, Date.now()) : -1;
    if (active.rollBase < 0) active.rollBase = active.createdAt;
    return new PartitionLog(dir, config, segments, producers, logStartOffset, hooks);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get topicConfig(): TopicConfig {
    return this.config.topic;
  }

  // New configs apply from the next append and housekeeping run; a compacted topic gets a pass
  // then (delete.retention.ms may have shrunk).
  setTopicConfig(topic: TopicConfig): void {
    this.config = { ...this.config, topic };
    this.cleaner.configChanged();
  }

  get logStartOffset(): number {
    return this.logStart;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  // Why the partition is out of service, or null while it serves.
  get failed(): Error | null {
    return this.failure;
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  // The segments, oldest first (the log cleaner rewrites sealed ones).
  get allSegments(): readonly Segment[] {
    return this.segments;
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Validates (framing, CRC-32C, size, producer sequence), assigns offsets and writes the whole
  // records field with one checked write.
  append(records: Buffer, now = Date.now()): AppendResult {
    if (this.closed || this.failure) return refused(ErrorCode.KAFKA_STORAGE_ERROR);
    let batches: BatchInfo[];
    try {
      batches = parseBatches(records, true);
    } catch (e) {
      if (!(e instanceof BatchError)) throw e;
      return refused(e.problem === 'bad-magic' ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT : ErrorCode.CORRUPT_MESSAGE);
    }
    if (batches.length === 0) return refused(ErrorCode.CORRUPT_MESSAGE);
    for (const b of batches) {
      if (b.size > this.config.topic.maxMessageBytes) return refused(ErrorCode.MESSAGE_TOO_LARGE);
    }
    const keys = checkKeys(this.config.topic, records, batches);
    if (keys !== null) return refused(keys);
    const seq = checkSequences(this.producers, batches);
    if (seq.kind === 'refused') return refused(seq.errorCode);
    if (seq.kind === 'duplicate') {
      // A retried batch: answered with the offset it got the first time, nothing written.
      return {
        errorCode: ErrorCode.NONE,
        baseOffset: seq.baseOffset,
        durable: this.durableFor(seq.lastOffset + 1),
        duplicate: true,
      };
    }
    try {
      if (this.shouldRoll(records.length, now)) this.roll(now);
    } catch (e) {
      this.fail(e as Error);
      return refused(ErrorCode.KAFKA_STORAGE_ERROR);
    }
    const seg = this.active;
    const firstOffset = seg.nextOffset;
    let next = firstOffset;
    for (const b of batches) {
      patchBaseOffset(records, b.start, next);
      next += b.lastOffsetDelta + 1;
    }
    try {
      seg.write(records);
    } catch (e) {
      this.undoPartialWrite(seg);
      this.fail(e as Error);
      return refused(ErrorCode.KAFKA_STORAGE_ERROR);
    }
    this.dirty = true;
    if (seg.rollBase < 0) seg.rollBase = now;
    next = firstOffset;
    for (const b of batches) {
      const end = next + b.lastOffsetDelta + 1;
      seg.noteAppend(next, end, b.size, b.maxTimestamp);
      this.producers.record(b, next, now);
      next = end;
    }
    return { errorCode: ErrorCode.NONE, baseOffset: firstOffset, durable: this.durableFor(next) };
  }

  private shouldRoll(bytes: number, now: number): boolean {
    const seg = this.active;
    if (seg.size === 0) return false;
    const t = this.config.topic;
    return seg.size + bytes > t.segmentBytes || now - seg.rollBase >= t.segmentMs;
  }

  private undoPartialWrite(seg: Segment): void {
    try {
      fs.ftruncateSync(seg.fd, seg.size);
    } catch {
      // The partition goes offline either way; recovery cuts a torn tail on the next start.
    }
  }

  private durableFor(endOffset: number): Promise<void> {
    if (this.failure) return Promise.reject(new StorageError(`partition offline: ${this.failure.message}`));
    if (this.config.fsync.kind !== 'always') {
      this.advance(endOffset);
      return DONE;
    }
    return this.syncQueue.sync().then(
      () => {
        if (this.failure) throw new StorageError(`partition offline: ${this.failure.message}`);
        this.advance(endOffset);
      },
      (e: Error) => {
        this.fail(e);
        throw new StorageError(`fdatasync failed: ${e.message}`);
      },
    );
  }

  private advance(endOffset: number): void {
    if (endOffset <= this.hw || this.failure) return;
    this.hw = Math.min(endOffset, this.logEndOffset);
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  // After a failed write or fdatasync the kernel may have dropped the dirty pages, so a later
  // successful sync proves nothing: stop serving, as Kafka does with a failed log directory.
  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.hooks.onFailure?.(e);
    this.notify();
  }

  private roll(now: number): void {
    const old = this.active;
    old.seal();
    writeSnapshot(this.dir, old.nextOffset, this.producers);
    const seg = Segment.create(this.dir, old.nextOffset, this.ops);
    seg.rollBase = now;
    this.segments.push(seg);
    this.syncQueue.setTarget((cb) => seg.datasync(cb));
  }

  // Compaction pass when the topic is compacted and enough changed: a segment sealed since the last
  // pass and at least min.cleanable.dirty.ratio of the log's bytes written since then, or a
  // tombstone's delete.retention.ms ran out.
  async compact(now: number): Promise<CleanResult | null> {
    const t = this.config.topic;
    if (this.closed || this.failure || !t.cleanupPolicy.includes('compact')) return null;
    if (!this.cleaner.due(this.segments, t.minCleanableDirtyRatio, now)) return null;
    const active = this.active;
    const activeRollsAt = (active.rollBase < 0 ? now : active.rollBase) + t.segmentMs;
    return this.cleaner.run(active.baseOffset, () => cleanLog(this, t.deleteRetentionMs, now, this.ops, activeRollsAt));
  }

  replaceSegment(old: Segment, fresh: Segment): boolean {
    const i = this.segments.indexOf(old);
    if (this.closed || i < 0 || i === this.segments.length - 1) return false;
    commitCleaned(this.dir, old.baseOffset);
    this.segments[i] = fresh;
    void old.retire(false);
    return true;
  }

  // Whole batches from the one containing `offset`, up to maxBytes (the first batch always fits).
  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    if (this.failure) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, records: [], bytes: 0 };
    if (offset < this.logStart || offset > this.hw) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: [], bytes: 0 };
    }
    return readBatches(this.segments, offset, maxBytes, this.hw);
  }

  // First offset at or after the log start whose record timestamp is >= ts, or null when none is.
  async offsetForTimestamp(ts: number): Promise<TimestampOffset | null> {
    return findOffsetForTimestamp(this.segments, ts, this.logStart, this.hw);
  }

  // Time-based roll, then deletion of whole sealed segments past the byte or age limit or below the
  // log start offset. The active segment is never deleted (an old one is rolled first).
  applyRetention(now: number): number {
    if (this.closed || this.failure) return 0;
    const t = this.config.topic;
    const deletes = t.cleanupPolicy.includes('delete');
    const active = this.active;
    const synced = active.nextOffset <= this.hw;
    const expired =
      deletes && t.retentionMs >= 0 && active.maxTimestamp >= 0 && active.maxTimestamp < now - t.retentionMs;
    const belowStart = active.nextOffset <= this.logStart;
    if (active.size > 0 && synced && (now - active.rollBase >= t.segmentMs || expired || belowStart)) {
      try {
        this.roll(now);
      } catch (e) {
        this.fail(e as Error);
        return 0;
      }
    }
    let removed = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const overSize = deletes && t.retentionBytes >= 0 && this.sizeBytes - oldest.size >= t.retentionBytes;
      const overAge =
        deletes && t.retentionMs >= 0 && oldest.maxTimestamp >= 0 && oldest.maxTimestamp < now - t.retentionMs;
      const gone = oldest.nextOffset <= this.logStart;
      if (!overSize && !overAge && !gone) break;
      if (oldest.nextOffset > this.hw) break;
      this.segments.shift();
      void oldest.retire(true);
      removed++;
    }
    if (removed > 0) {
      this.logStart = Math.max(this.logStart, this.segments[0].baseOffset);
      this.producers.truncateHead(this.logStart);
      removeSnapshotsBelow(this.dir, this.logStart);
    }
    return removed;
  }

  // DeleteRecords: moves the log start offset (-1: to the high watermark) and drops the segments
  // wholly below it. The new start is persisted before it is answered.
  deleteRecordsBefore(offset: number, now = Date.now()): { errorCode: ErrorCode; lowWatermark: number } {
    if (this.failure) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, lowWatermark: -1 };
    const target = offset === -1 ? this.hw : offset;
    if (target < 0 || target > this.hw) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
    if (target > this.logStart) {
      writeFileAtomic(path.join(this.dir, LOG_START_FILE), String(target));
      this.logStart = target;
      this.producers.truncateHead(target);
      this.applyRetention(now);
    }
    return { errorCode: ErrorCode.NONE, lowWatermark: this.logStart };
  }

  expireProducers(now: number): number {
    return this.producers.expire(now, this.config.producerIdExpirationMs);
  }

  // fsync whatever was written since the last flush (the 'interval' policy's timer and shutdown).
  flush(): Promise<void> {
    if (!this.dirty || this.closed || this.failure) return DONE;
    this.dirty = false;
    const end = this.logEndOffset;
    return this.syncQueue.sync().then(
      () => this.advance(end),
      (e: Error) => {
        this.fail(e);
        throw e;
      },
    );
  }

  // Waits for syncs and reads in flight before closing any descriptor (no fd is ever closed under
  // an fdatasync), then saves the producer state beside the segments.
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.syncQueue.drained();
    if (!this.failure) {
      this.ops.fdatasyncSync(this.active.fd);
      writeSnapshot(this.dir, this.logEndOffset, this.producers);
    }
    await Promise.all(this.segments.map((s) => s.retire(false)));
    this.notify();
  }

  async remove(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.syncQueue.drained();
    await Promise.all(this.segments.map((s) => s.retire(true)));
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.notify();
  }
}
