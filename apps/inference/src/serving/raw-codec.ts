// raw_input_contents / raw_output_contents: flattened row-major little-endian elements; a BYTES element
// is a 4-byte little-endian length followed by its bytes.
import { invalid } from './inference.errors';
import type { Datatype, TensorData } from './tensors';

const WIDTH: Partial<Record<Datatype, number>> = { BOOL: 1, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FP32: 4, FP64: 8 };

// Categorical BYTES columns repeat a few values row after row. An element whose bytes equal one of the
// last RECENT distinct short values of its tensor reuses that value's string (strings are immutable, so
// sharing one is invisible): a 100-row request then decodes and keeps alive a handful of strings per
// column instead of one per row, for as long as it and its prediction-log entry are in flight. A tensor
// whose values do not repeat stops looking after a few misses, so it costs about what it did.
const RECENT = 8;
const RECENT_MAX_BYTES = 64;
// Scratch for the values remembered while one tensor decodes (synchronous, so shared); `seen` is
// emptied after each tensor so that nothing outlives it.
const seen: string[] = [];
const seenAt = new Int32Array(RECENT);
const seenLen = new Int32Array(RECENT);

function decodeBytes(name: string, raw: Buffer): string[] {
  try {
    return decodeBytesWith(name, raw);
  } finally {
    seen.length = 0;
  }
}

function decodeBytesWith(name: string, raw: Buffer): string[] {
  const out: string[] = [];
  let replace = 0;
  let hits = 0;
  let misses = 0;
  let at = 0;
  while (at < raw.length) {
    if (at + 4 > raw.length) throw invalid(name, `input "${name}": raw BYTES element ${out.length} has a cut length`);
    const len = raw.readUInt32LE(at);
    at += 4;
    if (at + len > raw.length)
      throw invalid(name, `input "${name}": raw BYTES element ${out.length} says ${len} bytes, fewer remain`);
    let value: string | undefined;
    const looking = misses < 2 * RECENT || hits >= misses;
    if (looking)
      for (let k = 0; k < seen.length; k++)
        if (seenLen[k] === len && sameBytes(raw, seenAt[k]!, at, len)) {
          value = seen[k];
          hits++;
          break;
        }
    if (value === undefined) {
      value = raw.toString('utf8', at, at + len);
      if (looking) misses++;
      if (looking && len <= RECENT_MAX_BYTES) {
        const k = seen.length < RECENT ? seen.length : replace++ % RECENT;
        seen[k] = value;
        seenAt[k] = at;
        seenLen[k] = len;
      }
    }
    out.push(value);
    at += len;
  }
  return out;
}

function sameBytes(raw: Buffer, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (raw[a + i] !== raw[b + i]) return false;
  return true;
}

export function decodeRaw(name: string, datatype: Datatype, raw: Buffer): TensorData {
  if (datatype === 'BYTES') return decodeBytes(name, raw);
  const width = WIDTH[datatype]!;
  if (raw.length % width !== 0)
    throw invalid(name, `input "${name}": ${raw.length} raw bytes is not a whole number of ${datatype} elements`);
  const n = raw.length / width;
  // A view on the request's bytes when they sit aligned for the element type (the usual case costs
  // no allocation); otherwise a copy, since a typed array cannot start at an unaligned offset.
  let buffer: ArrayBufferLike = raw.buffer;
  let at = raw.byteOffset;
  if (at % width !== 0) {
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    buffer = copy.buffer;
    at = 0;
  }
  switch (datatype) {
    case 'FP32':
      return new Float32Array(buffer, at, n);
    case 'FP64':
      return new Float64Array(buffer, at, n);
    case 'INT64':
      return new BigInt64Array(buffer, at, n);
    case 'INT32':
      return new Int32Array(buffer, at, n);
    case 'INT16':
      return Int32Array.from(new Int16Array(buffer, at, n));
    case 'INT8':
      return Int32Array.from(new Int8Array(buffer, at, n));
    default:
      return new Uint8Array(buffer, at, n);
  }
}

export function encodeRaw(datatype: Datatype, data: TensorData): Buffer {
  if (datatype === 'BYTES') {
    const parts: Buffer[] = [];
    for (const s of data as string[]) {
      const bytes = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length, 0);
      parts.push(len, bytes);
    }
    return Buffer.concat(parts);
  }
  const view = data as Exclude<TensorData, string[]>;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
