import { createHash } from 'node:crypto';

// Test content for artifact transfers: large, deterministic, never held in memory whole.

/** Deterministic pseudo-random content without holding it in memory: `count` chunks of `size` bytes. */
export function* generatedChunks(count: number, size = 1024 * 1024, seed = 1): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    const buf = Buffer.allocUnsafe(size);
    for (let j = 0; j < size; j += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      buf.writeUInt32LE(x >>> 0, j);
    }
    yield buf;
  }
}

export function sha256Of(chunks: Iterable<Buffer>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}
