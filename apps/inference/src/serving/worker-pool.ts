// A fixed pool of worker threads, each holding one onnxruntime session per loaded model version. The
// event loop only posts feeds and receives outputs; a job goes to the least busy worker.
import { Worker } from 'node:worker_threads';
import { packFeeds } from './feed-pack';
import { sessionWorkerSource } from './session-worker';
import type { Datatype, Tensor, TensorData } from './tensors';

export interface OrtTensorMessage {
  type: string;
  data: TensorData;
  dims: number[];
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
}

const DATATYPE_OF: Record<string, Datatype> = {
  bool: 'BOOL',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

export interface RunOutput {
  outputs: Tensor[];
  computeNs: number;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private readonly idleListeners = new Set<() => void>();
  private closed = false;

  constructor(size: number) {
    const source = sessionWorkerSource(require.resolve('onnxruntime-node'));
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: new Worker(source, { eval: true }), busy: 0, pending: new Map() };
      slot.worker.on('message', (m: { id: number; ok: boolean; error?: string } & Record<string, unknown>) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (m.ok) p.resolve(m);
        else p.reject(new Error(m.error ?? 'worker failed'));
      });
      slot.worker.on('error', (err) => this.failAll(slot, err));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.failAll(slot, new Error(`inference worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers running nothing. */
  idleCount(): number {
    return this.slots.filter((s) => s.busy === 0).length;
  }

  onIdle(listener: () => void): void {
    this.idleListeners.add(listener);
  }

  /** Loads a model into every worker (each gets its own session). */
  async load(key: string, bytes: Uint8Array): Promise<void> {
    await Promise.all(this.slots.map((s) => this.call(s, { op: 'load', key, bytes: bytes.slice() })));
  }

  async unload(key: string): Promise<void> {
    await Promise.all(this.slots.map((s) => this.call(s, { op: 'unload', key })));
  }

  /**
   * Runs a batch on the least busy worker (or on one given worker, for warm-up): `batch[r]` is request
   * r's inputs, merged along the first dimension into one run; the outputs cover all rows in order.
   */
  async run(key: string, batch: readonly (readonly Tensor[])[], worker?: number): Promise<RunOutput> {
    const slot = worker === undefined ? this.leastBusy() : this.slots[worker]!;
    const packed = packFeeds(batch);
    slot.busy++;
    try {
      const m = (await this.call(slot, { op: 'run', key, packed }, [packed.buffer])) as {
        outputs: Record<string, OrtTensorMessage>;
        computeNs: number;
      };
      const outputs = Object.entries(m.outputs).map(([name, t]) => ({
        name,
        datatype: DATATYPE_OF[t.type] ?? 'FP32',
        shape: t.dims,
        data: t.data,
      }));
      return { outputs, computeNs: m.computeNs };
    } finally {
      slot.busy--;
      if (slot.busy === 0) for (const l of this.idleListeners) l();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.busy < best.busy) best = s;
    return best;
  }

  private call(
    slot: Slot,
    message: Record<string, unknown>,
    transfer: ArrayBuffer[] = [],
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
