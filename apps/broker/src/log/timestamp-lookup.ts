import { readInt64 } from './record-batch';
import { firstRecordAtOrAfter } from './record-codec';
import type { Segment } from './segment';

export interface TimestampOffset {
  readonly offset: number;
  readonly timestamp: number;
}

const CHUNK = 64 * 1024;
const HEADER = 61;

// ListOffsets by timestamp: the first record at or after the log start whose timestamp is >= ts.
// Segments are skipped by their largest timestamp, and inside one the sparse time index picks the
// region to start from; batch headers are then read in 64 KiB chunks, so memory stays bounded
// whatever the segment size. Only the one matching batch is decoded, for record granularity.
export async function findOffsetForTimestamp(
  segments: readonly Segment[],
  ts: number,
  logStart: number,
  hw: number,
): Promise<TimestampOffset | null> {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const seg of segments) {
    if (seg.nextOffset <= logStart) continue;
    if (seg.baseOffset >= hw) break;
    await seg.rebuildTimeIndex();
    if (seg.maxTimestamp < ts) continue;
    let pos = seg.positionForTimestamp(ts, logStart);
    if (pos < 0) continue;
    while (pos + HEADER <= seg.size) {
      const n = await seg.read(buf.subarray(0, Math.min(CHUNK, seg.size - pos)), pos);
      if (n < HEADER) break;
      let at = 0;
      while (at + HEADER <= n) {
        const size = 12 + buf.readInt32BE(at + 8);
        const base = readInt64(buf, at);
        if (base >= hw) return null;
        const last = base + buf.readInt32BE(at + 23);
        if (last >= logStart && readInt64(buf, at + 35) >= ts) {
          const batch = Buffer.allocUnsafe(size);
          if ((await seg.read(batch, pos + at)) < size) return null;
          const found = firstRecordAtOrAfter(batch, ts, logStart);
          if (found) return found;
        }
        at += size;
      }
      pos += at;
    }
  }
  return null;
}
