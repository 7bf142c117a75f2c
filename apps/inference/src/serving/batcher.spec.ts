import { Batcher } from './batcher';
import { concatRows, type Tensor } from './tensors';
import type { RunOutput, WorkerPool } from './worker-pool';

/** A stand-in pool with one worker whose runs finish when the test says so (unit test of the batcher alone). */
function fakePool() {
  const runs: { rows: number; finish: () => void }[] = [];
  let busy = 0;
  const listeners: (() => void)[] = [];
  const pool = {
    idleCount: () => (busy === 0 ? 1 : 0),
    run: (_key: string, batch: Tensor[][]): Promise<RunOutput> => {
      busy++;
      const parts = batch.map((inputs) => inputs[0]!);
      const t = concatRows(
        parts,
        parts.reduce((n, p) => n + p.shape[0]!, 0),
      );
      return new Promise((resolve) => {
        runs.push({
          rows: t.shape[0]!,
          finish: () => {
            busy--;
            // Echo the input as the output: each request must get its own rows back.
            resolve({ outputs: [{ ...t, name: 'y' }], computeNs: 1000 });
            queueMicrotask(() => listeners.forEach((l) => l()));
          },
        });
      });
    },
  };
  return { pool: pool as unknown as WorkerPool, runs, onIdle: (l: () => void) => listeners.push(l) };
}

const rowsOf = (values: number[]): Tensor[] => [
  { name: 'x', datatype: 'FP32', shape: [values.length, 1], data: Float32Array.from(values) },
];
const far = () => Date.now() + 60_000;

describe('dynamic batching', () => {
  it('should merge what queued while the worker was busy and split the answer back per request', async () => {
    const { pool, runs, onIdle } = fakePool();
    const b = new Batcher('m:1', pool, {
      maxBatchSize: 100,
      maxQueueDelayUs: 0,
      preferredBatchSizes: [],
      maxQueueRows: 1000,
    });
    onIdle(() => b.pump());
    const first = b.submit(1, rowsOf([1]), far());
    const second = b.submit(2, rowsOf([2, 3]), far());
    const third = b.submit(1, rowsOf([4]), far());
    expect(runs.map((r) => r.rows)).toEqual([1]);
    runs[0]!.finish();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(runs.map((r) => r.rows)).toEqual([1, 3]);
    runs[1]!.finish();
    const [a, c] = await Promise.all([second, third]);
    expect(Array.from(a.outputs[0]!.data as Float32Array)).toEqual([2, 3]);
    expect(Array.from(c.outputs[0]!.data as Float32Array)).toEqual([4]);
  });

  it('should cap a batch at the max batch size', async () => {
    const { pool, runs, onIdle } = fakePool();
    const b = new Batcher('m:1', pool, {
      maxBatchSize: 2,
      maxQueueDelayUs: 0,
      preferredBatchSizes: [],
      maxQueueRows: 1000,
    });
    onIdle(() => b.pump());
    const all = [1, 2, 3, 4, 5].map((v) => b.submit(1, rowsOf([v]), far()));
    runs[0]!.finish();
    await new Promise((r) => setImmediate(r));
    runs[1]!.finish();
    await new Promise((r) => setImmediate(r));
    runs[2]!.finish();
    await Promise.all(all);
    expect(runs.map((r) => r.rows)).toEqual([1, 2, 2]);
  });

  it('should answer RESOURCE_EXHAUSTED when the queue is full', async () => {
    const { pool, runs, onIdle } = fakePool();
    const b = new Batcher('m:1', pool, {
      maxBatchSize: 10,
      maxQueueDelayUs: 0,
      preferredBatchSizes: [],
      maxQueueRows: 3,
    });
    onIdle(() => b.pump());
    const running = b.submit(1, rowsOf([1]), far());
    const queued = b.submit(3, rowsOf([1, 2, 3]), far());
    await expect(b.submit(1, rowsOf([1]), far())).rejects.toMatchObject({ kind: 'exhausted' });
    runs[0]!.finish();
    await running;
    await new Promise((r) => setImmediate(r));
    runs[1]!.finish();
    await queued;
  });

  it('should answer DEADLINE_EXCEEDED when a request waits in the queue past its deadline', async () => {
    const { pool, runs, onIdle } = fakePool();
    const b = new Batcher('m:1', pool, {
      maxBatchSize: 10,
      maxQueueDelayUs: 0,
      preferredBatchSizes: [],
      maxQueueRows: 10,
    });
    onIdle(() => b.pump());
    const running = b.submit(1, rowsOf([1]), far());
    const late = b.submit(1, rowsOf([2]), Date.now() + 10).catch((err: unknown) => err);
    expect(await late).toMatchObject({ kind: 'deadline' });
    runs[0]!.finish();
    await running;
    await b.idle();
  });

  it('should wait up to the max queue delay for a preferred batch size', async () => {
    const { pool, runs, onIdle } = fakePool();
    const b = new Batcher('m:1', pool, {
      maxBatchSize: 8,
      maxQueueDelayUs: 60_000_000,
      preferredBatchSizes: [4],
      maxQueueRows: 100,
    });
    onIdle(() => b.pump());
    const all = [1, 2, 3].map((v) => b.submit(1, rowsOf([v]), far()));
    expect(runs).toHaveLength(0);
    all.push(b.submit(1, rowsOf([4]), far()));
    expect(runs.map((r) => r.rows)).toEqual([4]);
    runs[0]!.finish();
    await Promise.all(all);
  });
});
