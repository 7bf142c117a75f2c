import { buildBatch } from './batch-builder';
import { scanForFetch } from './fetch-scan';
import { patchBaseOffset } from './record-batch';

// Three batches at offsets 0 (3 records), 3 (2 records) and 5 (1 record).
function segment(): { buf: Buffer; sizes: number[] } {
  const batches = [buildBatch(['a', 'b', 'c']), buildBatch(['d', 'e']), buildBatch(['f'])];
  let next = 0;
  for (const [i, b] of batches.entries()) {
    patchBaseOffset(b, 0, next);
    next += [3, 2, 1][i];
  }
  return { buf: Buffer.concat(batches), sizes: batches.map((b) => b.length) };
}

describe('scanForFetch', () => {
  it('should start at the batch holding the offset when the offset is mid-batch', () => {
    const { buf, sizes } = segment();
    expect(scanForFetch(buf, 4, 6, 1 << 20)).toEqual({ start: sizes[0], end: buf.length, skip: 0, needMore: 0 });
  });

  it('should stop before batches at or past the high watermark when they are not yet durable', () => {
    const { buf, sizes } = segment();
    expect(scanForFetch(buf, 0, 5, 1 << 20)).toMatchObject({ start: 0, end: sizes[0] + sizes[1] });
  });

  it('should return one whole batch even past maxBytes when the first batch is larger', () => {
    const { buf, sizes } = segment();
    expect(scanForFetch(buf, 0, 6, 10)).toMatchObject({ start: 0, end: sizes[0] });
  });

  it('should ask for more bytes when the wanted batch is cut off by the read window', () => {
    const { buf, sizes } = segment();
    const cut = buf.subarray(0, sizes[0] + 30);
    expect(scanForFetch(cut, 3, 6, 1 << 20)).toEqual({ start: 0, end: 0, skip: sizes[0], needMore: sizes[1] });
  });
});
