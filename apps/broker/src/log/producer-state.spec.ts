import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { buildBatch } from './batch-builder';
import { CONFIG } from './partition-kit';
import { ErrorCode } from '../protocol/errors';

describe('idempotent producers in a partition', () => {
  let dir: string;
  const pid = 4242;
  const batch = (seq: number, epoch = 0, n = 1): Buffer =>
    buildBatch(
      Array.from({ length: n }, (_, i) => `s${seq + i}`),
      { producerId: pid, producerEpoch: epoch, baseSequence: seq },
    );

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pstate-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should answer any of the last five batches as a duplicate with its original offset when retried', async () => {
    const log = PartitionLog.open(dir, CONFIG);
    for (let seq = 0; seq < 12; seq += 2) await log.append(batch(seq, 0, 2)).durable; // six batches
    expect(log.append(batch(2, 0, 2))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 2 });
    expect(log.append(batch(10, 0, 2))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 10 });
    // The oldest batch fell out of the five kept: a retry of it is out of order, not a new write.
    expect(log.append(batch(0, 0, 2)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(batch(13)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).toBe(12);
    expect(log.append(batch(12)).baseOffset).toBe(12);
    await log.close();
  });

  it('should fence an older epoch and start a newer one at sequence 0', async () => {
    const log = PartitionLog.open(dir, CONFIG);
    await log.append(batch(0, 1)).durable;
    expect(log.append(batch(1, 0)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(log.append(batch(5, 2)).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.append(batch(0, 2)).errorCode).toBe(ErrorCode.NONE);
    await log.close();
  });

  it('should keep the producer state across a clean restart through the snapshot', async () => {
    const log = PartitionLog.open(dir, CONFIG);
    for (let seq = 0; seq < 5; seq++) await log.append(batch(seq)).durable;
    await log.close();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.snapshot'))).toEqual(['00000000000000000005.snapshot']);
    const again = PartitionLog.open(dir, CONFIG);
    expect(again.append(batch(3))).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3 });
    expect(again.logEndOffset).toBe(5);
    await again.close();
  });

  it('should rebuild the producer state from the segments when a crash left no snapshot', async () => {
    const log = PartitionLog.open(dir, CONFIG);
    const payload = 'x'.repeat(700);
    for (let seq = 0; seq < 20; seq++) {
      await log.append(buildBatch([payload], { producerId: pid, producerEpoch: 0, baseSequence: seq })).durable;
    }
    expect(log.segmentCount).toBeGreaterThan(2);
    await log.close();
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.snapshot')) fs.rmSync(path.join(dir, f));
    const again = PartitionLog.open(dir, CONFIG);
    const retry = buildBatch([payload], { producerId: pid, producerEpoch: 0, baseSequence: 17 });
    expect(again.append(retry)).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 17 });
    expect(again.logEndOffset).toBe(20);
    await again.close();
  });

  it('should forget a producer idle past producer.id.expiration.ms when expiry runs', async () => {
    const log = PartitionLog.open(dir, { ...CONFIG, producerIdExpirationMs: 60_000 });
    const t0 = Date.now();
    await log.append(batch(0), t0).durable;
    expect(log.expireProducers(t0 + 59_999)).toBe(0);
    expect(log.append(batch(0)).baseOffset).toBe(0); // still known: a duplicate
    expect(log.expireProducers(t0 + 60_000)).toBe(1);
    expect(log.producers.producers.size).toBe(0);
    await log.close();
  });
});
