import { readInt64 } from './record-batch';

// Finds whole batches for a fetch inside a chunk read from a segment.
export interface Scan {
  readonly start: number;
  readonly end: number;
  readonly skip: number; // bytes before the first wanted batch (when more must be read)
  readonly needMore: number; // > 0: read this many bytes from pos + skip
}

export function scanForFetch(buf: Buffer, offset: number, hw: number, maxBytes: number): Scan {
  let at = 0;
  let start = -1;
  while (at + 27 <= buf.length) {
    const size = 12 + buf.readInt32BE(at + 8);
    const base = readInt64(buf, at);
    if (base >= hw) break;
    const last = base + buf.readInt32BE(at + 23);
    if (last < offset) {
      at += size;
      continue;
    }
    if (start === -1) {
      if (at + size > buf.length) return { start: 0, end: 0, skip: at, needMore: size };
      start = at;
    } else if (at + size - start > maxBytes || at + size > buf.length) break;
    at += size;
  }
  if (start === -1) {
    // Every batch in this window lies below the offset: continue after them.
    return at > 0
      ? { start: 0, end: 0, skip: at, needMore: maxBytes + 8192 }
      : { start: 0, end: 0, skip: 0, needMore: 0 };
  }
  return { start, end: at, skip: 0, needMore: 0 };
}
