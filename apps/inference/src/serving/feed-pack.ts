// A batch's feeds as one message for the worker: one transferable ArrayBuffer and one string. The
// numeric columns of every request are copied straight into the buffer (merged along the first
// dimension on the way, so the batch is never concatenated first); the BYTES elements are joined into
// the string, their lengths kept in the buffer; a header of Int32s at the start describes each feed
// (names at the end of the string). Structured clone of per-column typed arrays, string arrays and
// descriptor objects costs an ArrayBuffer per column and an object per element; this costs one copy.
import type { Datatype, Tensor } from './tensors';

export interface PackedFeeds {
  buffer: ArrayBuffer;
  text: string;
}

// Element type codes shared with the worker's half below (index = code).
const TYPES = ['float32', 'float64', 'int32', 'int64', 'bool', 'string'] as const;
const CODE: Record<Datatype, number> = { FP32: 0, FP64: 1, INT8: 2, INT16: 2, INT32: 2, INT64: 3, BOOL: 4, BYTES: 5 };

type Numeric = Exclude<Tensor['data'], string[]>;

/** `batch[r]` holds request r's inputs, all in the same order and of the same datatypes. */
export function packFeeds(batch: readonly (readonly Tensor[])[]): PackedFeeds {
  const first = batch[0]!;
  const n = first.length;
  // Header: feed count, then per feed: type, byte offset, element count, text start, name length,
  // dimension count, dimensions.
  let headerInts = 1;
  for (const t of first) headerInts += 6 + t.shape.length;
  const offsets: number[] = new Array<number>(n);
  const counts: number[] = new Array<number>(n);
  let bytes = headerInts * 4;
  for (let i = 0; i < n; i++) {
    const t = first[i]!;
    let count = 0;
    for (const inputs of batch) count += inputs[i]!.data.length;
    bytes = (bytes + 7) & ~7;
    offsets[i] = bytes;
    counts[i] = count;
    bytes += count * (Array.isArray(t.data) ? 4 : (t.data as Numeric).BYTES_PER_ELEMENT);
  }
  const buffer = new ArrayBuffer(bytes);
  const header = new Int32Array(buffer, 0, headerInts);
  const texts: string[] = [];
  let textAt = 0;
  let h = 0;
  header[h++] = n;
  for (let i = 0; i < n; i++) {
    const t = first[i]!;
    const offset = offsets[i]!;
    const count = counts[i]!;
    header[h++] = CODE[t.datatype];
    header[h++] = offset;
    header[h++] = count;
    header[h++] = textAt;
    header[h++] = t.name.length;
    header[h++] = t.shape.length;
    let rows = 0;
    for (const inputs of batch) rows += inputs[i]!.shape[0] ?? 0;
    header[h++] = rows;
    for (let d = 1; d < t.shape.length; d++) header[h++] = t.shape[d]!;
    if (t.datatype === 'BYTES') {
      const lengths = new Uint32Array(buffer, offset, count);
      let at = 0;
      for (const inputs of batch) {
        const strings = inputs[i]!.data as string[];
        for (let j = 0; j < strings.length; j++) {
          const len = strings[j]!.length;
          lengths[at++] = len;
          textAt += len;
        }
        texts.push(strings.join(''));
      }
      continue;
    }
    const sample = t.data as Numeric;
    const View = sample.constructor as new (b: ArrayBuffer, o: number, n: number) => Numeric;
    const out = new View(buffer, offset, count) as Float32Array;
    let at = 0;
    for (const inputs of batch) {
      const part = inputs[i]!.data as Float32Array;
      out.set(part, at);
      at += part.length;
    }
  }
  for (const t of first) texts.push(t.name);
  return { buffer, text: texts.join('') };
}

/**
 * The worker's half, as source for the eval'd worker: each feed as a view on the buffer (strings
 * sliced out of the text). Kept beside packFeeds so the two halves change together.
 */
export const UNPACK_FEEDS_SOURCE = `
const FEED_TYPES = ${JSON.stringify(TYPES)};
const FEED_VIEWS = [Float32Array, Float64Array, Int32Array, BigInt64Array, Uint8Array];
function unpackFeeds(ort, packed) {
  const { buffer, text } = packed;
  const all = new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
  const n = all[0];
  const head = [];
  let h = 1;
  for (let i = 0; i < n; i++) {
    const type = all[h], offset = all[h + 1], count = all[h + 2], textStart = all[h + 3];
    const nameLength = all[h + 4], ndims = all[h + 5];
    const dims = Array.from(all.subarray(h + 6, h + 6 + ndims));
    h += 6 + ndims;
    head.push({ type, offset, count, textStart, nameLength, dims });
  }
  let nameAt = n === 0 ? 0 : text.length - head.reduce((s, f) => s + f.nameLength, 0);
  const feeds = {};
  for (const f of head) {
    const name = text.slice(nameAt, nameAt + f.nameLength);
    nameAt += f.nameLength;
    let data;
    if (f.type === 5) {
      const lengths = new Uint32Array(buffer, f.offset, f.count);
      data = new Array(f.count);
      let at = f.textStart;
      for (let i = 0; i < f.count; i++) {
        const end = at + lengths[i];
        data[i] = text.slice(at, end);
        at = end;
      }
    } else data = new FEED_VIEWS[f.type](buffer, f.offset, f.count);
    feeds[name] = new ort.Tensor(FEED_TYPES[f.type], data, f.dims);
  }
  return feeds;
}
`;
