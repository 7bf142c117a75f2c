// Dynamic batching for one model version: requests queue, and whenever a worker is free the queue is
// merged along the first dimension (up to the max batch size), run once and split back per request.
// With a max queue delay a batch may wait that long for a preferred size; a request whose deadline
// passes in the queue is answered DEADLINE_EXCEEDED, and a full queue RESOURCE_EXHAUSTED.
import { InferenceError } from './inference.errors';
import { sliceRows, type Tensor } from './tensors';
import type { RunOutput, WorkerPool } from './worker-pool';

export interface BatchingOptions {
  maxBatchSize: number;
  maxQueueDelayUs: number;
  preferredBatchSizes: number[];
  maxQueueRows: number;
}

export interface BatchStats {
  rows: number;
  requests: number;
  computeNs: number;
}

export interface BatchResult {
  outputs: Tensor[];
  queueNs: number;
  computeNs: number;
}

interface Queued {
  rows: number;
  inputs: Tensor[];
  enqueued: bigint;
  deadline: number;
  resolve: (r: BatchResult) => void;
  reject: (err: Error) => void;
}

export class Batcher {
  private readonly queue: Queued[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly key: string,
    private readonly pool: WorkerPool,
    private readonly options: BatchingOptions,
    private readonly onBatch: (stats: BatchStats) => void = () => undefined,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  /** Queues rows; resolves with this request's slice of the batch's outputs. */
  submit(rows: number, inputs: Tensor[], deadline: number): Promise<BatchResult> {
    if (this.queuedRows + rows > this.options.maxQueueRows)
      return Promise.reject(
        new InferenceError('exhausted', `the queue of ${this.key} is full (${this.options.maxQueueRows} rows)`),
      );
    return new Promise<BatchResult>((resolve, reject) => {
      this.queue.push({ rows, inputs, enqueued: process.hrtime.bigint(), deadline, resolve, reject });
      this.queuedRows += rows;
      this.inFlight++;
      this.pump();
    });
  }

  /** Resolves once nothing is queued or running (a version being swapped out finishes its requests). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  pump(): void {
    this.expire();
    while (this.queue.length && this.pool.idleCount() > 0) {
      const waitedUs = Number(process.hrtime.bigint() - this.queue[0]!.enqueued) / 1000;
      if (!this.worthRunning() && waitedUs < this.options.maxQueueDelayUs) {
        this.arm(this.options.maxQueueDelayUs - waitedUs);
        return;
      }
      this.dispatch(this.take());
    }
    if (this.queue.length) this.armSweeper();
  }

  private worthRunning(): boolean {
    const { maxBatchSize, maxQueueDelayUs, preferredBatchSizes } = this.options;
    if (maxQueueDelayUs === 0 || this.queuedRows >= maxBatchSize) return true;
    if (!preferredBatchSizes.length) return false;
    return preferredBatchSizes.includes(this.queuedRows) || this.queuedRows >= Math.max(...preferredBatchSizes);
  }

  private take(): Queued[] {
    const batch: Queued[] = [this.queue.shift()!];
    let rows = batch[0]!.rows;
    while (this.queue.length && rows + this.queue[0]!.rows <= this.options.maxBatchSize) {
      const next = this.queue.shift()!;
      rows += next.rows;
      batch.push(next);
    }
    this.queuedRows -= rows;
    return batch;
  }

  private dispatch(batch: Queued[]): void {
    const rows = batch.reduce((n, q) => n + q.rows, 0);
    const started = process.hrtime.bigint();
    // One request's inputs per entry: the pool merges the columns as it packs them for the worker.
    const inputs = batch.map((q) => q.inputs);
    this.pool.run(this.key, inputs).then(
      (out: RunOutput) => {
        this.onBatch({ rows, requests: batch.length, computeNs: out.computeNs });
        let from = 0;
        for (const q of batch) {
          const to = from + q.rows;
          const outputs = batch.length === 1 ? out.outputs : out.outputs.map((t) => sliceRows(t, from, to));
          q.resolve({ outputs, queueNs: Number(started - q.enqueued), computeNs: out.computeNs });
          from = to;
        }
        this.settled(batch.length);
      },
      (err: Error) => {
        for (const q of batch) q.reject(new InferenceError('unavailable', `model run failed: ${err.message}`));
        this.settled(batch.length);
      },
    );
  }

  private settled(n: number): void {
    this.inFlight -= n;
    if (this.inFlight === 0) for (const d of this.drained.splice(0)) d();
  }

  private expire(): void {
    if (!this.queue.length) return;
    const now = Date.now();
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i]!;
      if (q.deadline > now) continue;
      this.queue.splice(i, 1);
      this.queuedRows -= q.rows;
      q.reject(new InferenceError('deadline', `the request waited in the queue of ${this.key} past its deadline`));
      this.settled(1);
    }
  }

  private arm(us: number): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, Math.ceil(us / 1000)),
    );
    this.timer.unref();
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      this.pump();
    }, 20);
    this.sweeper.unref();
  }
}
