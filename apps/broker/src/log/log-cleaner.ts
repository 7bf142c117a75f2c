import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, writeFully, type FileOps } from './file-io';
import { BATCH_HEADER_SIZE, readInt64 } from './record-batch';
import { decodeRecords, rebuildBatch, type RecordView } from './record-codec';
import { Segment, segmentName } from './segment';

// Log compaction (cleanup.policy=compact): the latest record of every key survives; older ones go,
// and a tombstone (null value) goes too once it is older than delete.retention.ms. The key map
// covers the whole log up to the high watermark; only sealed segments are rewritten, each into
// `<base>.log.cleaned` and swapped in by rename, so a crash leaves the old or the new segment.
// Batches that lose records are rewritten uncompressed with their original base offset, last
// offset delta, timestamps and producer fields; untouched batches are copied byte for byte; a
// segment's last batch is kept (empty) even when all its records go.
const CHUNK = 1 << 20;
const YIELD_MS = 20;

export interface CleanerView {
  readonly dir: string;
  readonly highWatermark: number;
  readonly allSegments: readonly Segment[];
  // Swaps the cleaned files in (commitCleaned) and the segment object, if `old` is still live.
  replaceSegment(old: Segment, fresh: Segment): boolean;
}

// When a compacted partition needs a pass: a segment sealed since the last one and at least
// min.cleanable.dirty.ratio of the log's bytes written since then (everything is dirty after a
// start), or a tombstone's delete.retention.ms ran out, or the topic's configs changed.
export class CleanerSchedule {
  private running = false;
  private cleanedUpTo = -1;
  private dueAt: number | null = null;

  configChanged(): void {
    this.dueAt = 0;
  }

  due(segments: readonly Segment[], ratio: number, now: number): boolean {
    if (this.running || segments.length < 2) return false;
    if (this.dueAt !== null && now >= this.dueAt) return true;
    const sealedDirty = segments.slice(0, -1).some((s) => s.nextOffset > this.cleanedUpTo && s.size > 0);
    let dirty = 0;
    let total = 0;
    for (const s of segments) {
      total += s.size;
      if (s.nextOffset > this.cleanedUpTo) dirty += s.size;
    }
    return sealedDirty && dirty >= ratio * total;
  }

  // Runs one pass; everything below `upTo` (the active segment's base) counts as clean after it.
  async run(upTo: number, pass: () => Promise<CleanResult>): Promise<CleanResult> {
    this.running = true;
    try {
      const res = await pass();
      this.dueAt = res.nextDue;
      this.cleanedUpTo = upTo;
      return res;
    } finally {
      this.running = false;
    }
  }
}

export interface CleanResult {
  readonly rewrittenSegments: number;
  readonly removedBytes: number;
  // When a kept tombstone expires and another pass is due (null: none pending).
  readonly nextDue: number | null;
}

// Whole batches of a segment below `limit`, read in bounded chunks.
async function* batchesOf(seg: Segment, limit: number): AsyncGenerator<Buffer> {
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= seg.size;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, seg.size - pos));
    const n = await seg.read(chunk, pos);
    let at = 0;
    while (at + BATCH_HEADER_SIZE <= n) {
      const size = 12 + chunk.readInt32BE(at + 8);
      if (readInt64(chunk, at) >= limit) return;
      if (at + size > n) {
        if (at === 0) {
          const big = Buffer.allocUnsafe(size);
          if ((await seg.read(big, pos)) < size) return;
          yield big;
          at = size;
        }
        break;
      }
      yield chunk.subarray(at, at + size);
      at += size;
    }
    if (at === 0) return;
    pos += at;
  }
}

let lastYield = Date.now();
async function breathe(): Promise<void> {
  if (Date.now() - lastYield < YIELD_MS) return;
  await new Promise((r) => setImmediate(r));
  lastYield = Date.now();
}

function keyOf(r: RecordView): string | null {
  return r.key ? r.key.toString('latin1') : null;
}

// `activeRollsAt`: when the active segment rolls (segment.ms); a tombstone still in it cannot go
// before then, so the next pass it needs is due no earlier.
export async function cleanLog(
  log: CleanerView,
  deleteRetentionMs: number,
  now: number,
  ops: FileOps,
  activeRollsAt: number,
): Promise<CleanResult> {
  const hw = log.highWatermark;
  const latest = new Map<string, { offset: number; tombstoneAt: number }>();
  for (const seg of [...log.allSegments]) {
    for await (const batch of batchesOf(seg, hw)) {
      for (const r of readable(batch) ?? []) {
        const k = keyOf(r);
        if (k !== null) latest.set(k, { offset: r.offset, tombstoneAt: r.isTombstone ? r.timestamp : -1 });
      }
      await breathe();
    }
  }
  let rewritten = 0;
  let removedBytes = 0;
  const all = log.allSegments;
  const sealed = all.slice(0, -1).filter((s) => s.nextOffset <= hw && s.size > 0);
  for (const seg of sealed) {
    const out = await rewrite(log.dir, seg, hw, ops, (r) => {
      const k = keyOf(r);
      if (k === null) return true; // keyless records from before the topic was compacted stay
      if (latest.get(k)?.offset !== r.offset) return false;
      return !r.isTombstone || r.timestamp > now - deleteRetentionMs;
    });
    if (!out) continue;
    if (log.replaceSegment(seg, out)) {
      rewritten++;
      removedBytes += seg.size - out.size;
    } else {
      discardCleaned(log.dir, seg.baseOffset); // the segment went away meanwhile (retention)
      await out.retire(false);
    }
  }
  // The next pass is due when the oldest surviving tombstone expires.
  const activeBase = all[all.length - 1].baseOffset;
  let nextDue: number | null = null;
  for (const { offset, tombstoneAt } of latest.values()) {
    if (tombstoneAt < 0) continue;
    const expires = tombstoneAt + deleteRetentionMs;
    if (offset < activeBase && expires <= now) continue; // removed by this pass
    const due = offset >= activeBase ? Math.max(expires, activeRollsAt, now + 1) : expires;
    nextDue = Math.min(nextDue ?? Infinity, due);
  }
  return { rewrittenSegments: rewritten, removedBytes, nextDue };
}

// The segment's batches filtered by `keep`, as a new segment swapped in on disk; null if unchanged.
async function rewrite(
  dir: string,
  seg: Segment,
  hw: number,
  ops: FileOps,
  keep: (r: RecordView) => boolean,
): Promise<Segment | null> {
  const parts: Buffer[] = [];
  let changed = false;
  // An emptied last batch stays as a batch without records: consumers read its offsets and move
  // past the segment's end instead of waiting at a gap (kcat -e would never see the end).
  let emptiedLast: Buffer | null = null;
  for await (const batch of batchesOf(seg, hw)) {
    const records = readable(batch);
    const kept = records ? records.filter(keep) : null;
    emptiedLast = null;
    if (!records || !kept) {
      parts.push(Buffer.from(batch)); // undecodable (unknown codec): kept as it is
    } else if (kept.length === records.length) {
      parts.push(Buffer.from(batch));
    } else {
      changed = true;
      if (kept.length > 0) parts.push(rebuildBatch(batch, kept));
      else emptiedLast = rebuildBatch(batch, []);
    }
    await breathe();
  }
  if (emptiedLast) parts.push(emptiedLast);
  if (!changed) return null;
  const base = path.join(dir, segmentName(seg.baseOffset));
  const fd = fs.openSync(`${base}.log.cleaned`, 'w+');
  const fresh = new Segment(dir, seg.baseOffset, fd, ops, seg.createdAt);
  let pos = 0;
  for (const b of parts) {
    writeFully(ops, fd, b, pos);
    pos += b.length;
    fresh.noteAppend(readInt64(b, 0), readInt64(b, 0) + b.readInt32BE(23) + 1, b.length, readInt64(b, 35));
  }
  fresh.nextOffset = seg.nextOffset;
  ops.fdatasyncSync(fd);
  fresh.writeIndexFiles('.cleaned');
  return fresh;
}

function readable(batch: Buffer): RecordView[] | null {
  try {
    return decodeRecords(batch);
  } catch {
    return null;
  }
}

// Swaps a cleaned segment in. Commit point: the log file; recovery finishes or rolls back a swap
// that a crash interrupted (partition-recovery.ts).
export function commitCleaned(dir: string, baseOffset: number): void {
  const base = path.join(dir, segmentName(baseOffset));
  fs.renameSync(`${base}.log.cleaned`, `${base}.log`);
  fs.renameSync(`${base}.index.cleaned`, `${base}.index`);
  fs.renameSync(`${base}.timeindex.cleaned`, `${base}.timeindex`);
  fsyncDir(dir);
}

export function discardCleaned(dir: string, baseOffset: number): void {
  const base = path.join(dir, segmentName(baseOffset));
  for (const ext of ['.log', '.index', '.timeindex']) fs.rmSync(`${base}${ext}.cleaned`, { force: true });
}
