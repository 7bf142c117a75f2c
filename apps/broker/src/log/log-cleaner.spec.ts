import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { PartitionLog } from './partition-log';
import { buildBatch } from './batch-builder';
import { crc32c } from './crc32c';
import { parseBatches } from './record-batch';
import { decodeRecords } from './record-codec';
import { withTopic } from './partition-kit';
import { ErrorCode } from '../protocol/errors';

const COMPACT = withTopic({ cleanupPolicy: ['compact'], segmentBytes: 1024, deleteRetentionMs: 60_000 });

async function records(log: PartitionLog): Promise<{ offset: number; key: string; value: string | null }[]> {
  const out: { offset: number; key: string; value: string | null }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 1 << 20);
    const batches = parseBatches(Buffer.concat(r.records), true);
    if (batches.length === 0) break;
    for (const b of batches) {
      const bytes = Buffer.concat(r.records).subarray(b.start, b.start + b.size);
      for (const rec of decodeRecords(bytes)) {
        if (rec.offset >= offset)
          out.push({ offset: rec.offset, key: String(rec.key), value: rec.value?.toString() ?? null });
      }
      offset = b.baseOffset + b.lastOffsetDelta + 1;
    }
  }
  return out;
}

// A batch compressed with gzip, as kafkajs sends it.
function gzipBatch(keys: string[], values: string[]): Buffer {
  const plain = buildBatch(values, { keys });
  const body = zlib.gzipSync(plain.subarray(61));
  const out = Buffer.concat([plain.subarray(0, 61), body]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(1, 21);
  out.writeUInt32BE(crc32c(out, 21, out.length), 17);
  return out;
}

describe('log compaction', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-clean-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should keep only the latest record per key and drop tombstones after delete.retention.ms', async () => {
    const log = PartitionLog.open(dir, COMPACT);
    const t0 = Date.now();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 5; k++) {
        await log.append(buildBatch([`v${round}-${k}-${'p'.repeat(100)}`], { keys: [`k${k}`], timestamp: t0 }), t0)
          .durable;
      }
    }
    await log.append(buildBatch([null], { keys: ['k1'], timestamp: t0 }), t0).durable; // tombstone, offset 15
    await log.append(gzipBatch(['k2', 'k3'], ['gz-k2', 'gz-k3']), t0).durable; // offsets 16, 17
    expect(log.segmentCount).toBeGreaterThan(3);
    await log.append(buildBatch(['last'], { keys: ['k4'], timestamp: t0 }), t0).durable; // 18, active
    const res = await log.compact(t0 + 1000);
    expect(res?.rewrittenSegments).toBeGreaterThan(0);
    expect(await records(log)).toEqual([
      { offset: 10, key: 'k0', value: `v2-0-${'p'.repeat(100)}` },
      { offset: 15, key: 'k1', value: null },
      { offset: 16, key: 'k2', value: 'gz-k2' },
      { offset: 17, key: 'k3', value: 'gz-k3' },
      { offset: 18, key: 'k4', value: 'last' },
    ]);
    expect(res?.nextDue).toBe(t0 + 60_000);
    // Offsets are unchanged, so the next append continues after the highest one.
    const after = log.append(buildBatch(['after'], { keys: ['k9'] }));
    expect(after.baseOffset).toBe(19);
    await after.durable; // readers see it once it is synced (the high watermark), not before
    expect(await log.compact(t0 + 2000)).toBeNull(); // nothing due: no pass
    await log.compact(t0 + 60_001); // the tombstone expired
    expect((await records(log)).map((r) => r.key)).toEqual(['k0', 'k2', 'k3', 'k4', 'k9']);
    await log.close();
    const again = PartitionLog.open(dir, COMPACT); // the swapped segments are what a restart finds
    expect((await records(again)).map((r) => r.offset)).toEqual([10, 16, 17, 18, 19]);
    await again.close();
  });

  it('should refuse a record without a key with INVALID_RECORD when the topic is compacted', async () => {
    const log = PartitionLog.open(dir, COMPACT);
    expect(log.append(buildBatch(['no-key'])).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(log.append(buildBatch(['keyed'], { keys: ['k'] })).errorCode).toBe(ErrorCode.NONE);
    await log.close();
  });

  it('should roll back an unfinished swap and finish a committed one when a crash interrupted it', async () => {
    const log = PartitionLog.open(dir, COMPACT);
    for (let i = 0; i < 12; i++) await log.append(buildBatch([`x${i}-${'q'.repeat(150)}`], { keys: ['same'] })).durable;
    await log.close();
    const first = path.join(dir, '00000000000000000000');
    // Uncommitted: a half-written .log.cleaned is thrown away.
    fs.writeFileSync(`${first}.log.cleaned`, 'partial');
    fs.writeFileSync(`${first}.index.cleaned`, 'partial');
    let again = PartitionLog.open(dir, COMPACT);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.cleaned'))).toEqual([]);
    expect((await records(again)).length).toBe(12);
    await again.close();
    // Committed (the log was renamed): the index swap is finished.
    fs.copyFileSync(`${first}.index`, `${first}.index.cleaned`);
    fs.rmSync(`${first}.index`);
    again = PartitionLog.open(dir, COMPACT);
    expect(fs.existsSync(`${first}.index`)).toBe(true);
    expect((await records(again)).length).toBe(12);
    await again.close();
  });
});
