import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PartitionLog, type PartitionHooks } from './partition-log';
import { Segment } from './segment';
import { buildBatch } from './batch-builder';
import { parseBatches, readInt64 } from './record-batch';
import type { LogConfig } from './log-config';
import { CONFIG, readAll, withTopic } from './partition-kit';
import { ErrorCode } from '../protocol/errors';

describe('PartitionLog', () => {
  let dir: string;
  const open = (c: LogConfig = CONFIG, hooks: PartitionHooks = {}): PartitionLog => PartitionLog.open(dir, c, hooks);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-plog-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should assign consecutive offsets and keep CRCs valid when batches are appended', async () => {
    const log = open();
    const a = log.append(buildBatch(['a', 'b', 'c']));
    const b = log.append(buildBatch(['d']));
    await Promise.all([a.durable, b.durable]);
    expect([a.baseOffset, b.baseOffset]).toEqual([0, 3]);
    expect(log.highWatermark).toBe(4);
    expect(await readAll(log)).toEqual([0, 3]);
    await log.close();
  });

  it('should refuse a batch with CORRUPT_MESSAGE and write nothing when one byte of a record is flipped', async () => {
    const log = open();
    await log.append(buildBatch(['good'])).durable;
    const bad = buildBatch(['flipped-value']);
    bad[bad.length - 4] ^= 0x01;
    expect(log.append(bad)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
    expect(log.logEndOffset).toBe(1);
    expect(log.append(buildBatch(['next'])).baseOffset).toBe(1);
    await log.close();
  });

  it('should return the batch holding the offset when a fetch starts mid-batch', async () => {
    const log = open();
    await log.append(buildBatch(['a', 'b', 'c'])).durable;
    await log.append(buildBatch(['d', 'e'])).durable;
    const r = await log.read(4, 1 << 20);
    expect(readInt64(r.records[0], 0)).toBe(3);
    expect((await log.read(6, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await log.read(5, 100)).records).toEqual([]);
    await log.close();
  });

  it('should roll segments and find every batch through the sparse index when the log grows', async () => {
    const log = open();
    const payload = 'x'.repeat(300);
    for (let i = 0; i < 60; i++) await log.append(buildBatch([payload, payload])).durable;
    expect(log.segmentCount).toBeGreaterThan(5);
    const bases = await readAll(log);
    expect(bases).toEqual(Array.from({ length: 60 }, (_, i) => i * 2));
    expect(readInt64((await log.read(77, 10)).records[0], 0)).toBe(76);
    await log.close();
  });

  it('should keep the data and continue offsets when reopened', async () => {
    const log = open();
    for (let i = 0; i < 20; i++) await log.append(buildBatch(['r'.repeat(400)])).durable;
    await log.close();
    const again = open();
    expect(again.highWatermark).toBe(20);
    expect(again.append(buildBatch(['next'])).baseOffset).toBe(20);
    await again.close();
  });

  it('should open sealed segments from their index and scan only the active one when reopened', async () => {
    const log = open();
    for (let i = 0; i < 40; i++) await log.append(buildBatch(['s'.repeat(400)])).durable;
    const segments = log.segmentCount;
    await log.close();
    const sealed = jest.spyOn(Segment, 'openSealed');
    const again = open();
    expect(sealed.mock.results.filter((r) => r.value !== null)).toHaveLength(segments - 1);
    expect(again.segmentCount).toBe(segments);
    expect(await readAll(again)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await again.close();

    // A damaged index is not trusted: that segment is scanned (and its index rewritten) instead.
    fs.writeFileSync(path.join(dir, '00000000000000000000.index'), Buffer.from([0, 0, 0, 9, 0, 0, 0, 0]));
    sealed.mockClear();
    const third = open();
    expect(sealed.mock.results.filter((r) => r.value === null)).toHaveLength(1);
    expect(await readAll(third)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await third.close();
    sealed.mockRestore();
  });

  it('should truncate a torn tail when the last batch was half written', async () => {
    const log = open();
    await log.append(buildBatch(['one'])).durable;
    await log.append(buildBatch(['two'])).durable;
    await log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const torn = buildBatch(['three', 'four']);
    fs.appendFileSync(file, torn.subarray(0, torn.length - 5));
    let truncated = 0;
    const again = open(CONFIG, { onTruncate: (n) => (truncated = n) });
    expect(truncated).toBe(torn.length - 5);
    expect(again.highWatermark).toBe(2);
    expect(again.append(buildBatch(['three'])).baseOffset).toBe(2);
    await again.close();
  });

  it('should drop a last batch whose CRC does not match when recovering', async () => {
    const log = open();
    await log.append(buildBatch(['keep'])).durable;
    await log.append(buildBatch(['corrupt-me'])).durable;
    await log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const again = open();
    expect(again.highWatermark).toBe(1);
    await again.close();
  });

  it('should keep every intact batch after a corrupt one when recovering', async () => {
    const log = open(withTopic({ segmentBytes: 1 << 20 }));
    for (let i = 0; i < 10; i++) await log.append(buildBatch([`v${i}-a`, `v${i}-b`])).durable;
    await log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const bytes = fs.readFileSync(file);
    const batches = parseBatches(bytes, true);
    bytes[batches[3].start + 70] ^= 0x10; // a record of the fourth batch (offsets 6-7)
    fs.writeFileSync(file, bytes);
    const cut: { bytes: number; resumedAtOffset: number }[] = [];
    let torn = 0;
    const again = open(CONFIG, { onCorruptRegion: (r) => cut.push(r), onTruncate: (n) => (torn = n) });
    expect(cut).toEqual([expect.objectContaining({ bytes: batches[3].size, resumedAtOffset: 8 })]);
    expect(torn).toBe(0);
    expect(again.highWatermark).toBe(20);
    expect(await readAll(again)).toEqual([0, 2, 4, 8, 10, 12, 14, 16, 18]);
    expect(again.append(buildBatch(['after'])).baseOffset).toBe(20);
    await again.close();
    // The repair is durable: a second start finds nothing to cut.
    const third = open(CONFIG, { onCorruptRegion: () => cut.push({ bytes: -1, resumedAtOffset: -1 }) });
    expect(cut).toHaveLength(1);
    expect(await readAll(third)).toEqual([0, 2, 4, 8, 10, 12, 14, 16, 18, 20]);
    await third.close();
  });

  it('should find the next intact batch when a length field in the middle is damaged', async () => {
    const log = open(withTopic({ segmentBytes: 1 << 20 }));
    for (let i = 0; i < 6; i++) await log.append(buildBatch([`w${i}`])).durable;
    await log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const bytes = fs.readFileSync(file);
    const batches = parseBatches(bytes, true);
    bytes.writeInt32BE(0x7fff, batches[2].start + 8); // batch length far past the file
    fs.writeFileSync(file, bytes);
    const again = open();
    expect(await readAll(again)).toEqual([0, 1, 3, 4, 5]);
    await again.close();
  });

  it('should delete the oldest sealed segments when the byte limit is exceeded', async () => {
    const log = open(withTopic({ retentionBytes: 8192 }));
    for (let i = 0; i < 40; i++) await log.append(buildBatch(['y'.repeat(500)])).durable;
    const removed = log.applyRetention(Date.now());
    expect(removed).toBeGreaterThan(0);
    expect(log.sizeBytes).toBeLessThan(8192 + 4096);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect((await log.read(0, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    await log.close();
  });

  it('should delete segments older than the age limit when retention runs', async () => {
    const log = open(withTopic({ retentionMs: 60_000 }));
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 20; i++) await log.append(buildBatch(['o'.repeat(500)], { timestamp: old })).durable;
    await log.append(buildBatch(['fresh'.repeat(200)])).durable;
    expect(log.applyRetention(Date.now())).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(1);
    await log.close();
  });

  it('should roll a quiet segment by age and then delete it when segment.ms and retention.ms pass', async () => {
    const log = open(withTopic({ retentionMs: 60_000, segmentMs: 1000, segmentBytes: 1 << 20 }));
    const t0 = Date.now();
    await log.append(buildBatch(['quiet'], { timestamp: t0 }), t0).durable;
    expect(log.applyRetention(t0 + 500)).toBe(0);
    expect(log.segmentCount).toBe(1);
    log.applyRetention(t0 + 1000); // segment.ms reached: rolled, still within retention
    expect(log.segmentCount).toBe(2);
    expect(log.applyRetention(t0 + 61_000)).toBe(1);
    expect(log.logStartOffset).toBe(1);
    expect(log.highWatermark).toBe(1);
    await log.close();
  });

  it('should move the log start on DeleteRecords and keep it across a restart', async () => {
    const log = open();
    for (let i = 0; i < 30; i++) await log.append(buildBatch(['d'.repeat(300)])).durable;
    expect(log.deleteRecordsBefore(31).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.deleteRecordsBefore(17)).toEqual({ errorCode: ErrorCode.NONE, lowWatermark: 17 });
    expect((await log.read(16, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(await readAll(log)).toEqual(Array.from({ length: 13 }, (_, i) => 17 + i));
    expect(log.sizeBytes).toBeLessThan(14 * 400 + 4096);
    await log.close();
    const again = open();
    expect(again.logStartOffset).toBe(17);
    expect(again.deleteRecordsBefore(-1)).toEqual({ errorCode: ErrorCode.NONE, lowWatermark: 30 });
    await again.close();
  });

  it('should answer -1 when no record is at or after a timestamp and find the first one otherwise', async () => {
    const log = open();
    const t = 1_700_000_000_000;
    await log.append(buildBatch(['a', 'b', 'c'], { timestamps: [t, t + 10, t + 20] })).durable;
    await log.append(buildBatch(['d'], { timestamp: t + 30 })).durable;
    expect(await log.offsetForTimestamp(t + 31)).toBeNull();
    expect(await log.offsetForTimestamp(t + 5)).toEqual({ offset: 1, timestamp: t + 10 });
    expect(await log.offsetForTimestamp(t + 25)).toEqual({ offset: 3, timestamp: t + 30 });
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: t });
    await log.close();
  });

  it('should look a timestamp up in bounded reads when the segment is large', async () => {
    const log = open({ ...withTopic({ segmentBytes: 64 << 20 }), fsync: { kind: 'never' } });
    const t = 1_700_000_000_000;
    const payload = 'm'.repeat(200);
    for (let i = 0; i < 12_000; i++) log.append(buildBatch([payload], { timestamp: t + i }));
    expect(log.sizeBytes).toBeGreaterThan(3 << 20);
    const reads = jest.spyOn(Segment.prototype, 'read');
    expect(await log.offsetForTimestamp(t + 11_000)).toEqual({ offset: 11_000, timestamp: t + 11_000 });
    expect(Math.max(...reads.mock.calls.map(([buf]) => buf.length))).toBeLessThanOrEqual(64 * 1024);
    reads.mockRestore();
    await log.close();
  });

  it('should expose a record at once and sync it on flush when the policy is not always', async () => {
    const log = open({ ...CONFIG, fsync: { kind: 'interval', ms: 100 } });
    log.append(buildBatch(['fast']));
    expect(log.highWatermark).toBe(1);
    await expect(log.flush()).resolves.toBeUndefined();
    await log.close();
  });

  it('should reject a batch with MESSAGE_TOO_LARGE when it exceeds the limit', async () => {
    const log = open(withTopic({ maxMessageBytes: 200 }));
    expect(log.append(buildBatch(['z'.repeat(300)])).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(log.append(Buffer.from('garbage-bytes-that-are-no-batch')).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    await log.close();
  });
});
