// CRC32C (Castagnoli). The produce path checks every batch, so the hardware-accelerated native
// implementation (@node-rs/crc32, SSE4.2/ARMv8 CRC instructions) is used when its prebuilt binary
// loads; the table-driven fallback below keeps the broker working on platforms without one.
const POLY = 0x82f63b78;
const TABLES: Uint32Array[] = [];

function build(): void {
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c >>> 0;
  }
  TABLES.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = TABLES[t - 1];
    const next = new Uint32Array(256);
    for (let i = 0; i < 256; i++) next[i] = (prev[i] >>> 8) ^ t0[prev[i] & 0xff];
    TABLES.push(next);
  }
}
build();

// Slice-by-8 in plain TypeScript: about 10x slower than the native path.
export function crc32cPortable(buf: Uint8Array, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = (crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))) >>> 0;
    crc =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ t0[(crc ^ buf[i]) & 0xff];
  return (crc ^ 0xffffffff) >>> 0;
}

type NativeCrc = (input: Buffer, initial?: number) => number;

function loadNative(): NativeCrc | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@node-rs/crc32') as { crc32c: NativeCrc };
    return mod.crc32c;
  } catch {
    return null;
  }
}

const native = loadNative();

export const crc32cImplementation: 'native' | 'portable' = native ? 'native' : 'portable';

export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  if (!native) return crc32cPortable(buf, start, end);
  return native(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0;
}
