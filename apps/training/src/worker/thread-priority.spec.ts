import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TRAINING_THREAD_NICE } from './thread-priority';

const linux = process.platform === 'linux';

/** Runs lowerThreadPriority in a fresh worker thread; resolves with its thread id and returned nice. */
function inWorker(): Promise<{ tid: number | null; nice: number | null }> {
  const code = `
    require(${JSON.stringify(join(__dirname, '../../../../tools/register-ts.cjs'))});
    const { parentPort } = require('node:worker_threads');
    const p = require(${JSON.stringify(join(__dirname, 'thread-priority.ts'))});
    const nice = p.lowerThreadPriority();
    parentPort.postMessage({ tid: p.currentThreadId(), nice });
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (m: { tid: number | null; nice: number | null }) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('lowerThreadPriority', () => {
  it('should lower only the calling thread, not the process, when run in a worker thread', async () => {
    const before = getPriority(process.pid);
    const { tid, nice } = await inWorker();
    if (!linux) {
      expect(nice).toBeNull();
      return;
    }
    expect(tid).not.toBe(process.pid);
    expect(nice).toBe(Math.min(19, before + TRAINING_THREAD_NICE));
    expect(getPriority(process.pid)).toBe(before);
  });
});
