import { ErrorCode } from '../protocol/errors';
import { scanForFetch } from './fetch-scan';
import type { ReadResult } from './partition-log';
import { readInt64 } from './record-batch';
import type { Segment } from './segment';

// Fetch reads: whole batches from the one holding `offset`, up to maxBytes (the first batch always
// fits), below the high watermark. Offsets in a gap (cut-out corruption, compaction) continue in
// the next segment.
export async function readBatches(
  segments: readonly Segment[],
  offset: number,
  maxBytes: number,
  hw: number,
): Promise<ReadResult> {
  const empty = { errorCode: ErrorCode.NONE, records: [], bytes: 0 };
  if (offset === hw) return empty;
  let i = segments.length - 1;
  while (i > 0 && segments[i].baseOffset > offset) i--;
  while (offset >= segments[i].nextOffset && i + 1 < segments.length) i++;
  const parts: Buffer[] = [];
  let bytes = 0;
  for (; i < segments.length; i++) {
    const r = await readSegment(segments[i], offset, maxBytes - bytes, hw);
    if (r === 'end') continue;
    if (r.errorCode !== ErrorCode.NONE || r.bytes === 0) break;
    parts.push(...r.records);
    bytes += r.bytes;
    // Batches that compaction emptied carry offsets but no records; a client that advances only
    // by records (kafkajs) needs the batches after them in the same answer.
    const next = recordlessEnd(r.records[0]);
    if (next < 0 || bytes >= maxBytes) break;
    offset = next;
  }
  return bytes === 0 ? empty : { errorCode: ErrorCode.NONE, records: parts, bytes };
}

// 'end': no batch at or after `offset` in this segment (it ends in a gap); try the next one.
async function readSegment(seg: Segment, offset: number, maxBytes: number, hw: number): Promise<ReadResult | 'end'> {
  const empty = { errorCode: ErrorCode.NONE, records: [], bytes: 0 };
  let pos = seg.lookup(offset);
  let want = Math.min(seg.size - pos, maxBytes + 8192);
  for (let attempt = 0; attempt < 8; attempt++) {
    if (want <= 0) return 'end';
    const buf = Buffer.allocUnsafe(want);
    let n: number;
    try {
      n = await seg.read(buf, pos);
    } catch {
      return empty; // segment removed by retention while reading; the client asks again
    }
    const r = scanForFetch(buf.subarray(0, n), offset, hw, maxBytes);
    if (r.needMore > 0) {
      pos += r.skip;
      want = Math.min(seg.size - pos, r.needMore);
      continue;
    }
    if (r.end === r.start) return r.skip === 0 && pos + n >= seg.size && n > 0 ? 'end' : empty;
    const slice = buf.subarray(r.start, r.end);
    return { errorCode: ErrorCode.NONE, records: [slice], bytes: slice.length };
  }
  return empty;
}

// The offset after the batches in `buf` when none of them holds a record, else -1.
function recordlessEnd(buf: Buffer): number {
  let end = -1;
  for (let at = 0; at + 61 <= buf.length; at += 12 + buf.readInt32BE(at + 8)) {
    if (buf.readInt32BE(at + 57) > 0) return -1;
    end = readInt64(buf, at) + buf.readInt32BE(at + 23) + 1;
  }
  return end;
}
