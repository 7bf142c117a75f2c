// Runs tasks in worker_threads so a forest never blocks the event loop (gRPC, health, heartbeats). One
// thread per task, at most `size` at once: cancelling is terminating the thread, and nothing a task
// leaves behind reaches the next one.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TaskProgress, TrainTaskOutput } from './train-task';
import { TRAINING_THREAD_NICE } from './thread-priority';
import type { WorkerData, WorkerMessage, WorkerRequest } from './worker-messages';

export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TaskCancelled';
  }
}

/** A task that failed inside the worker (bad params, bad data, a learner error). */
export class TaskFailed extends Error {
  constructor(
    readonly errorName: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskFailed';
  }
}

function workerEntry(): { file: string; execArgv: string[] } {
  // From source (tests, `npm run`), the .ts entry with the workspace's TypeScript hook; from a bundle,
  // worker/train-worker.js beside main.js (the build's additional entry point).
  const ts = join(__dirname, 'train-worker.ts');
  if (existsSync(ts)) {
    return { file: ts, execArgv: ['-r', resolve(__dirname, '../../../../tools/register-ts.cjs')] };
  }
  return { file: join(__dirname, 'worker', 'train-worker.js'), execArgv: [] };
}

export class WorkerPool {
  private running = 0;

  /** `nice`: the steps each training thread lowers its own priority by (thread-priority.ts). */
  constructor(
    readonly size: number,
    readonly nice = TRAINING_THREAD_NICE,
  ) {}

  get busy(): number {
    return this.running;
  }

  get free(): number {
    return this.size - this.running;
  }

  train(
    req: Extract<WorkerRequest, { kind: 'train' }>,
    onProgress: (p: TaskProgress) => void,
    signal: AbortSignal,
  ): Promise<TrainTaskOutput> {
    return this.run(req, onProgress, signal).then((m) => (m as Extract<WorkerMessage, { kind: 'trained' }>).output);
  }

  evaluate(
    req: Extract<WorkerRequest, { kind: 'evaluate' }>,
    signal: AbortSignal,
  ): Promise<Extract<WorkerMessage, { kind: 'evaluated' }>['output']> {
    return this.run(req, () => undefined, signal).then(
      (m) => (m as Extract<WorkerMessage, { kind: 'evaluated' }>).output,
    );
  }

  trial(
    req: Extract<WorkerRequest, { kind: 'trial' }>,
    signal: AbortSignal,
  ): Promise<Extract<WorkerMessage, { kind: 'tried' }>['output']> {
    return this.run(req, () => undefined, signal).then((m) => (m as Extract<WorkerMessage, { kind: 'tried' }>).output);
  }

  private run(req: WorkerRequest, onProgress: (p: TaskProgress) => void, signal: AbortSignal): Promise<WorkerMessage> {
    if (signal.aborted) return Promise.reject(new TaskCancelled());
    const { file, execArgv } = workerEntry();
    this.running++;
    const workerData: WorkerData = { ...req, nice: this.nice };
    const worker = new Worker(file, { workerData, execArgv });
    return new Promise<WorkerMessage>((resolvePromise, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.running--;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = (): void => {
        settle(() => reject(new TaskCancelled()));
        void worker.terminate();
      };
      signal.addEventListener('abort', onAbort);
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') onProgress(m.progress);
        else if (m.kind === 'error') settle(() => reject(new TaskFailed(m.name, m.code, m.message)));
        else settle(() => resolvePromise(m));
        if (m.kind !== 'progress') void worker.terminate();
      });
      worker.on('error', (err) => settle(() => reject(new TaskFailed(err.name, '', err.message))));
      worker.on('exit', (code) => settle(() => reject(new TaskFailed('WorkerExit', '', `worker exited with ${code}`))));
    });
  }
}
