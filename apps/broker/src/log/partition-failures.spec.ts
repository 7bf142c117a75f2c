import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { buildBatch } from './batch-builder';
import { realFileOps, type FileOps } from './file-io';
import { CONFIG, readAll } from './partition-kit';
import { ErrorCode } from '../protocol/errors';

// Unit tests of one piece with injected file operations: a real disk cannot be made to fail an
// fdatasync on demand. The integration test with a real file-size limit covers short writes.
describe('PartitionLog when the disk fails', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-pfail-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('should stop advancing the high watermark and refuse all requests when an fdatasync fails', async () => {
    let failSync = false;
    const ops: FileOps = {
      ...realFileOps,
      fdatasync: (fd, cb) =>
        failSync
          ? setImmediate(() => cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })))
          : realFileOps.fdatasync(fd, cb),
    };
    const failures: Error[] = [];
    const log = PartitionLog.open(dir, { ...CONFIG, ops }, { onFailure: (e) => failures.push(e) });
    await log.append(buildBatch(['safe'])).durable;
    failSync = true;
    const lost = log.append(buildBatch(['maybe-lost']));
    expect(lost.errorCode).toBe(ErrorCode.NONE);
    await expect(lost.durable).rejects.toThrow(/fdatasync failed: EIO/);
    expect(log.highWatermark).toBe(1);
    expect(failures).toHaveLength(1);
    failSync = false; // a later sync succeeding proves nothing about the pages the kernel dropped
    expect(log.append(buildBatch(['later'])).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await log.read(0, 1000)).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(log.highWatermark).toBe(1);
    await log.close();
    // A restart recovers from what is on disk and serves again.
    const again = PartitionLog.open(dir, CONFIG);
    expect(again.failed).toBeNull();
    expect(await readAll(again)).toEqual(again.highWatermark === 2 ? [0, 1] : [0]);
    await again.close();
  });

  it('should undo a short write and take the partition out of service when the disk fills up', async () => {
    let full = false;
    const ops: FileOps = {
      ...realFileOps,
      writeSync: (fd, buf, offset, length, position) => {
        if (!full) return realFileOps.writeSync(fd, buf, offset, length, position);
        if (length > 10) return realFileOps.writeSync(fd, buf, offset, Math.floor(length / 2), position);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    const log = PartitionLog.open(dir, { ...CONFIG, ops });
    await log.append(buildBatch(['fits'])).durable;
    const size = fs.statSync(path.join(dir, '00000000000000000000.log')).size;
    full = true;
    expect(log.append(buildBatch(['does-not-fit'.repeat(20)])).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(log.failed?.message).toMatch(/ENOSPC/);
    expect(fs.statSync(path.join(dir, '00000000000000000000.log')).size).toBe(size);
    await log.close();
  });

  it('should close descriptors only after a retried batch’s fdatasync has finished', async () => {
    // Every sync is slow, so the retry's sync is still running when the first one resolves and
    // the caller closes the log: closing at once used to fail that sync with EBADF.
    const inFlight = { n: 0, max: 0, errors: [] as string[] };
    const ops: FileOps = {
      ...realFileOps,
      fdatasync: (fd, cb) => {
        inFlight.n++;
        setTimeout(
          () =>
            realFileOps.fdatasync(fd, (err) => {
              inFlight.n--;
              if (err) inFlight.errors.push(err.message);
              cb(err);
            }),
          20,
        );
      },
    };
    const log = PartitionLog.open(dir, { ...CONFIG, ops });
    const opts = { producerId: 7, producerEpoch: 0, baseSequence: 0 };
    const first = log.append(buildBatch(['p1', 'p2'], opts));
    const retry = log.append(buildBatch(['p1', 'p2'], opts));
    const gap = log.append(buildBatch(['p5'], { ...opts, baseSequence: 5 }));
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: first.baseOffset });
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await first.durable;
    expect(log.highWatermark).toBe(2);
    await log.close();
    await expect(retry.durable).resolves.toBeUndefined();
    expect(inFlight).toMatchObject({ n: 0, errors: [] });
  });
});
