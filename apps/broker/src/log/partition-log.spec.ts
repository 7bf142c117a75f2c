import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { Segment } from './segment';
import { buildBatch } from './batch-builder';
import { parseBatches, readInt64 } from './record-batch';
import type { LogConfig } from './log-config';
import { ErrorCode } from '../protocol/errors';

const config: LogConfig = {
  segmentBytes: 4096,
  retentionBytes: -1,
  retentionMs: -1,
  fsync: { kind: 'always' },
  maxMessageBytes: 1 << 20,
};

describe('PartitionLog', () => {
  let dir: string;
  const open = (c: LogConfig = config, onTruncate: (n: number) => void = () => undefined): PartitionLog =>
    PartitionLog.open(dir, c, onTruncate);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-plog-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function readAll(log: PartitionLog, from = 0): Promise<number[]> {
    const bases: number[] = [];
    let offset = from;
    while (offset < log.highWatermark) {
      const r = await log.read(offset, 1 << 20);
      expect(r.errorCode).toBe(ErrorCode.NONE);
      for (const b of parseBatches(Buffer.concat(r.records), true)) {
        bases.push(b.baseOffset);
        offset = b.baseOffset + b.lastOffsetDelta + 1;
      }
    }
    return bases;
  }

  it('should assign consecutive offsets and keep CRCs valid when batches are appended', async () => {
    const log = open();
    const a = log.append(buildBatch(['a', 'b', 'c']));
    const b = log.append(buildBatch(['d']));
    await Promise.all([a.durable, b.durable]);
    expect([a.baseOffset, b.baseOffset]).toEqual([0, 3]);
    expect(log.highWatermark).toBe(4);
    expect(await readAll(log)).toEqual([0, 3]);
    log.close();
  });

  it('should return the batch holding the offset when a fetch starts mid-batch', async () => {
    const log = open();
    await log.append(buildBatch(['a', 'b', 'c'])).durable;
    await log.append(buildBatch(['d', 'e'])).durable;
    const r = await log.read(4, 1 << 20);
    expect(readInt64(r.records[0], 0)).toBe(3);
    expect((await log.read(6, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await log.read(5, 100)).records).toEqual([]);
    log.close();
  });

  it('should roll segments and find every batch through the sparse index when the log grows', async () => {
    const log = open();
    const payload = 'x'.repeat(300);
    for (let i = 0; i < 60; i++) await log.append(buildBatch([payload, payload])).durable;
    expect(log.segmentCount).toBeGreaterThan(5);
    const bases = await readAll(log);
    expect(bases).toEqual(Array.from({ length: 60 }, (_, i) => i * 2));
    expect(readInt64((await log.read(77, 10)).records[0], 0)).toBe(76);
    log.close();
  });

  it('should keep the data and continue offsets when reopened', async () => {
    const log = open();
    for (let i = 0; i < 20; i++) await log.append(buildBatch(['r'.repeat(400)])).durable;
    log.close();
    const again = open();
    expect(again.highWatermark).toBe(20);
    expect(again.append(buildBatch(['next'])).baseOffset).toBe(20);
    again.close();
  });

  it('should open sealed segments from their index and scan only the active one when reopened', async () => {
    const log = open();
    for (let i = 0; i < 40; i++) await log.append(buildBatch(['s'.repeat(400)])).durable;
    const segments = log.segmentCount;
    log.close();
    const recover = jest.spyOn(Segment, 'recover');
    const again = open();
    expect(recover).toHaveBeenCalledTimes(1);
    expect(again.segmentCount).toBe(segments);
    expect(await readAll(again)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    again.close();

    // A damaged index is not trusted: that segment is scanned instead.
    fs.writeFileSync(path.join(dir, '00000000000000000000.index'), Buffer.from([0, 0, 0, 9, 0, 0, 0, 0]));
    recover.mockClear();
    const third = open();
    expect(recover).toHaveBeenCalledTimes(2);
    expect(await readAll(third)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    third.close();
    recover.mockRestore();
  });

  it('should truncate a torn tail when the last batch was half written', async () => {
    const log = open();
    await log.append(buildBatch(['one'])).durable;
    await log.append(buildBatch(['two'])).durable;
    log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const torn = buildBatch(['three', 'four']);
    fs.appendFileSync(file, torn.subarray(0, torn.length - 5));
    let truncated = 0;
    const again = open(config, (n) => (truncated = n));
    expect(truncated).toBe(torn.length - 5);
    expect(again.highWatermark).toBe(2);
    expect(again.append(buildBatch(['three'])).baseOffset).toBe(2);
    again.close();
  });

  it('should drop a tail batch whose CRC does not match when recovering', async () => {
    const log = open();
    await log.append(buildBatch(['keep'])).durable;
    await log.append(buildBatch(['corrupt-me'])).durable;
    log.close();
    const file = path.join(dir, '00000000000000000000.log');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const again = open();
    expect(again.highWatermark).toBe(1);
    again.close();
  });

  it('should delete the oldest sealed segments when the byte limit is exceeded', async () => {
    const log = open({ ...config, retentionBytes: 8192 });
    for (let i = 0; i < 40; i++) await log.append(buildBatch(['y'.repeat(500)])).durable;
    const removed = log.applyRetention(Date.now());
    expect(removed).toBeGreaterThan(0);
    expect(log.sizeBytes).toBeLessThan(8192 + 4096);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect((await log.read(0, 100)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    log.close();
  });

  it('should delete segments older than the age limit when retention runs', async () => {
    const log = open({ ...config, retentionMs: 60_000 });
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 20; i++) await log.append(buildBatch(['o'.repeat(500)], { timestamp: old })).durable;
    await log.append(buildBatch(['fresh'.repeat(200)])).durable;
    expect(log.applyRetention(Date.now())).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(1);
    log.close();
  });

  it('should answer a retried idempotent batch with its first offset when the sequence repeats', async () => {
    const log = open();
    const first = log.append(buildBatch(['p1', 'p2'], { producerId: 7, producerEpoch: 0, baseSequence: 0 }));
    const retry = log.append(buildBatch(['p1', 'p2'], { producerId: 7, producerEpoch: 0, baseSequence: 0 }));
    const gap = log.append(buildBatch(['p5'], { producerId: 7, producerEpoch: 0, baseSequence: 5 }));
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: first.baseOffset });
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await first.durable;
    expect(log.highWatermark).toBe(2);
    log.close();
  });

  it('should expose a record at once and sync it on flush when the policy is not always', async () => {
    const log = open({ ...config, fsync: { kind: 'interval', ms: 100 } });
    log.append(buildBatch(['fast']));
    expect(log.highWatermark).toBe(1);
    await expect(log.flush()).resolves.toBeUndefined();
    log.close();
  });

  it('should reject a batch with MESSAGE_TOO_LARGE when it exceeds the limit', () => {
    const log = open({ ...config, maxMessageBytes: 200 });
    expect(log.append(buildBatch(['z'.repeat(300)])).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(log.append(Buffer.from('garbage-bytes-that-are-no-batch')).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    log.close();
  });
});
