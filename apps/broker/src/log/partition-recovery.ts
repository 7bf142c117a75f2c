import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, writeFully, type FileOps } from './file-io';
import { ProducerState } from './producer-state';
import { loadSnapshot } from './producer-snapshot';
import type { BatchInfo } from './record-batch';
import { Segment, segmentName } from './segment';
import { forEachBatch, scanSegment } from './segment-scan';

export interface RecoveryHooks {
  // A torn tail (a partial or garbled last write) was cut off.
  onTruncate?(bytes: number): void;
  // A damaged region inside a segment was cut out; the intact batches after it were kept.
  onCorruptRegion?(info: { segment: string; position: number; bytes: number; resumedAtOffset: number }): void;
}

export interface Recovered {
  readonly segments: Segment[];
  readonly producers: ProducerState;
  readonly logStartOffset: number;
}

export const LOG_START_FILE = 'log-start-offset';
const CLEANED = '.cleaned';

// Opens a partition directory: sealed segments from their index, the active one (and any sealed one
// whose index cannot be trusted) by a scan that checks framing, CRC and offsets. A damaged region
// followed by intact batches is cut out by moving those batches to a new segment: acknowledged
// data after a bad batch is never truncated. Only a tail with no intact batch after it is cut off.
export function recoverPartition(dir: string, ops: FileOps, hooks: RecoveryHooks): Recovered {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    fsyncDir(path.dirname(dir));
  }
  finishCleanerSwaps(dir);
  const bases = fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
  const segments: Segment[] = [];
  const scanned = new Map<Segment, BatchInfo[]>();
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i];
    const next = bases[i + 1] ?? Number.MAX_SAFE_INTEGER;
    const sealed = i < bases.length - 1 ? Segment.openSealed(dir, base, next, ops) : null;
    if (sealed) {
      segments.push(sealed);
      continue;
    }
    const { segment, batches, resumeBase } = scanAndRepair(dir, base, next, ops, hooks);
    if (resumeBase !== null && bases[i + 1] !== resumeBase) bases.splice(i + 1, 0, resumeBase);
    // Next start opens it without a scan (an empty one, left by compaction or a cut, is rescanned).
    if (i < bases.length - 1 && segment.size > 0) segment.writeIndexFiles();
    segments.push(segment);
    scanned.set(segment, batches);
  }
  if (segments.length === 0) segments.push(Segment.create(dir, readLogStart(dir), ops));
  const logEnd = segments[segments.length - 1].nextOffset;
  const logStartOffset = Math.min(Math.max(readLogStart(dir), segments[0].baseOffset), logEnd);
  const producers = rebuildProducers(dir, segments, scanned, logEnd);
  producers.truncateHead(logStartOffset);
  return { segments, producers, logStartOffset };
}

function scanAndRepair(
  dir: string,
  base: number,
  next: number,
  ops: FileOps,
  hooks: RecoveryHooks,
): { segment: Segment; batches: BatchInfo[]; resumeBase: number | null } {
  const name = path.join(dir, segmentName(base));
  // Index files are rebuilt from the scan; removing them first makes an interrupted repair rescan.
  for (const ext of ['.index', '.timeindex']) fs.rmSync(`${name}${ext}`, { force: true });
  const fd = fs.openSync(`${name}.log`, 'r+');
  const stat = fs.fstatSync(fd);
  const segment = new Segment(dir, base, fd, ops, stat.mtimeMs);
  const batches: BatchInfo[] = [];
  const result = scanSegment(fd, base, next, (b) => {
    segment.noteAppend(b.baseOffset, b.baseOffset + b.lastOffsetDelta + 1, b.size, b.maxTimestamp);
    batches.push(b);
  });
  const { validEnd, resume } = result;
  if (resume) {
    // The intact batches after the damage move to a segment of their own (durable before the cut).
    copyRange(fd, resume.at, stat.size, path.join(dir, `${segmentName(resume.baseOffset)}.log`), ops);
    hooks.onCorruptRegion?.({
      segment: `${name}.log`,
      position: validEnd,
      bytes: resume.at - validEnd,
      resumedAtOffset: resume.baseOffset,
    });
  }
  if (validEnd < stat.size) {
    fs.ftruncateSync(fd, validEnd);
    ops.fdatasyncSync(fd);
    if (!resume) hooks.onTruncate?.(stat.size - validEnd);
  }
  return { segment, batches, resumeBase: resume ? resume.baseOffset : null };
}

function copyRange(fd: number, from: number, to: number, file: string, ops: FileOps): void {
  const out = fs.openSync(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let pos = from; pos < to;) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
      if (n <= 0) throw new Error(`short read copying ${file}`);
      writeFully(ops, out, chunk.subarray(0, n), pos - from);
      pos += n;
    }
    ops.fdatasyncSync(out);
  } finally {
    fs.closeSync(out);
  }
  fsyncDir(path.dirname(file));
}

// The cleaner swaps `<base>.log.cleaned` in first (the commit point), then the index files. An
// interrupted swap is rolled back before the commit point and finished after it.
function finishCleanerSwaps(dir: string): void {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(CLEANED));
  if (files.length === 0) return;
  const uncommitted = new Set(files.filter((f) => f.endsWith(`.log${CLEANED}`)).map((f) => f.slice(0, 20)));
  for (const f of files) {
    const full = path.join(dir, f);
    if (uncommitted.has(f.slice(0, 20))) fs.rmSync(full, { force: true });
    else fs.renameSync(full, full.slice(0, -CLEANED.length));
  }
  fsyncDir(dir);
}

export function readLogStart(dir: string): number {
  try {
    const n = Number(fs.readFileSync(path.join(dir, LOG_START_FILE), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

// Newest usable snapshot plus the batches after it; without one, every batch in the log.
function rebuildProducers(
  dir: string,
  segments: Segment[],
  scanned: Map<Segment, BatchInfo[]>,
  logEnd: number,
): ProducerState {
  const snap = loadSnapshot(dir, logEnd);
  const state = snap?.state ?? new ProducerState();
  const from = snap?.offset ?? 0;
  const now = Date.now(); // replayed producers count as active now: expiry only ever comes later
  const apply = (b: BatchInfo): void => {
    if (b.baseOffset >= from) state.record(b, b.baseOffset, now);
  };
  for (const seg of segments) {
    if (seg.nextOffset <= from) continue;
    const batches = scanned.get(seg);
    if (batches) batches.forEach(apply);
    else forEachBatch(seg.fd, seg.size, seg.lookup(from), apply);
  }
  return state;
}
