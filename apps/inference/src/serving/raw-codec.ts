// raw_input_contents / raw_output_contents: flattened row-major little-endian elements; a BYTES element
// is a 4-byte little-endian length followed by its bytes.
import { invalid } from './inference.errors';
import type { Datatype, TensorData } from './tensors';

const WIDTH: Partial<Record<Datatype, number>> = { BOOL: 1, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FP32: 4, FP64: 8 };

export function decodeRaw(name: string, datatype: Datatype, raw: Buffer): TensorData {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    let at = 0;
    while (at < raw.length) {
      if (at + 4 > raw.length) throw invalid(name, `input "${name}": raw BYTES element ${out.length} has a cut length`);
      const len = raw.readUInt32LE(at);
      at += 4;
      if (at + len > raw.length)
        throw invalid(name, `input "${name}": raw BYTES element ${out.length} says ${len} bytes, fewer remain`);
      out.push(raw.toString('utf8', at, at + len));
      at += len;
    }
    return out;
  }
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
