// The event loop's side of the staging worker: packs a chunk's message values into one transferred buffer,
// posts chunks in the order it is called, answers the worker's "dead-letter these first" and resolves each
// chunk when its transaction committed. A worker that dies fails every chunk it held (they are delivered
// again: nothing was committed for them); the next chunk starts a new worker.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatasetSchema } from '@keel/datasets';
import type { ChunkRejection, FromWorker, StagedReply, ToWorker } from './stage-protocol';
import type { StageWorkerData } from './stage-worker';

export interface StageRequest {
  schema: DatasetSchema;
  schemaVersion: number;
  columnsJson: string;
  dataset: string;
  group: string;
  topic: string;
  partition: number;
  expect: bigint | null;
  messages: readonly { value: Buffer | null; offset: string }[];
  maxBytes: number;
  traceparent: string | null;
}

export type StageResult = Omit<StagedReply, 'type' | 'seq'>;

/** A chunk the worker could not stage; `code` as in FailedReply. */
export class StageThreadError extends Error {
  override readonly name = 'StageThreadError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(result: StageResult): void;
  reject(err: Error): void;
  deadLetter(rejects: ChunkRejection[]): Promise<void>;
}

function workerEntry(): { file: string; execArgv: string[] } {
  // From source (tests, `npm run`), the .ts entry with the workspace's TypeScript hook; from the bundle,
  // records/stage-worker.js beside main.js (the build's additional entry point).
  const ts = join(__dirname, 'stage-worker.ts');
  if (existsSync(ts)) return { file: ts, execArgv: ['-r', resolve(__dirname, '../../../../tools/register-ts.cjs')] };
  return { file: join(__dirname, 'records', 'stage-worker.js'), execArgv: [] };
}

export class StageThread {
  private worker?: Worker;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** Schema ids known to the current worker, by content (the dataset cache hands out new objects). */
  private schemaIds = new Map<string, number>();
  private readonly schemaKeys = new WeakMap<DatasetSchema, string>();
  private nextSchemaId = 0;

  constructor(private readonly data: StageWorkerData) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /** Posts the chunk now (so chunks are taken in call order); resolves when its transaction committed. */
  stage(request: StageRequest, deadLetter: (rejects: ChunkRejection[]) => Promise<void>): Promise<StageResult> {
    const worker = this.started();
    let key = this.schemaKeys.get(request.schema);
    if (key === undefined)
      this.schemaKeys.set(request.schema, (key = `${request.schemaVersion}\n${JSON.stringify(request.schema)}`));
    let schemaId = this.schemaIds.get(key);
    if (schemaId === undefined) {
      schemaId = ++this.nextSchemaId;
      this.schemaIds.set(key, schemaId);
      worker.postMessage({
        type: 'schema',
        id: schemaId,
        schema: request.schema,
        version: request.schemaVersion,
        columnsJson: request.columnsJson,
      } satisfies ToWorker);
    }
    const { messages } = request;
    const n = messages.length;
    const lengths = new Int32Array(n);
    const deltas = new Float64Array(n);
    const first = Number(messages[0]!.offset);
    let size = 0;
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      lengths[i] = m.value === null ? -1 : m.value.length;
      size += m.value === null ? 0 : m.value.length;
      deltas[i] = Number(m.offset) - first;
    }
    const values = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const v = messages[i]!.value;
      if (v === null) continue;
      values.set(v, at);
      at += v.length;
    }
    const seq = ++this.seq;
    const done = new Promise<StageResult>((resolve, reject) => this.pending.set(seq, { resolve, reject, deadLetter }));
    worker.postMessage(
      {
        type: 'chunk',
        seq,
        schemaId,
        dataset: request.dataset,
        group: request.group,
        topic: request.topic,
        partition: request.partition,
        expect: request.expect === null ? null : request.expect.toString(),
        firstOffset: messages[0]!.offset,
        deltas,
        lengths,
        values,
        maxBytes: request.maxBytes,
        traceparent: request.traceparent,
        receivedAt: Date.now(),
      } satisfies ToWorker,
      [values.buffer, lengths.buffer, deltas.buffer],
    );
    return done;
  }

  /** Stops the worker once every posted chunk is answered. */
  async close(): Promise<void> {
    while (this.pending.size > 0) await new Promise((r) => setTimeout(r, 5));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, { workerData: this.data, execArgv });
    this.worker = worker;
    this.schemaIds = new Map();
    worker.on('message', (m: FromWorker) => this.answer(worker, m));
    const failAll = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [seq, p] of this.pending) {
        this.pending.delete(seq);
        p.reject(new StageThreadError('error', `staging worker stopped: ${err.message}`));
      }
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`exited with code ${code}`)));
    return worker;
  }

  private answer(worker: Worker, m: FromWorker): void {
    const p = this.pending.get(m.seq);
    if (!p) return;
    if (m.type === 'rejects') {
      p.deadLetter(m.rejects).then(
        () => worker.postMessage({ type: 'commit', seq: m.seq } satisfies ToWorker),
        () => worker.postMessage({ type: 'abort', seq: m.seq } satisfies ToWorker),
      );
      return;
    }
    this.pending.delete(m.seq);
    if (m.type === 'staged') {
      const { type: _type, seq: _seq, ...result } = m;
      p.resolve(result);
    } else p.reject(new StageThreadError(m.code, m.message));
  }
}
