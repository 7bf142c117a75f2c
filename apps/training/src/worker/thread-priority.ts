// Linux schedules threads, and nice is per thread: a training thread lowered to nice 10 still gets every
// idle cycle, but when the service's event loop (nice 0) wakes up for gRPC, heartbeats or /metrics the
// scheduler runs it first instead of making it wait for the forest's time slice.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export const TRAINING_THREAD_NICE = 10;

/** The calling thread's kernel id (Linux), or null elsewhere. */
export function currentThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's priority by `by` nice steps (at most 19). Returns the new nice value, or
 * null where threads cannot be told apart (not Linux) or the kernel refuses: training then runs as before.
 */
export function lowerThreadPriority(by = TRAINING_THREAD_NICE): number | null {
  const tid = currentThreadId();
  if (tid === null) return null;
  try {
    const nice = Math.min(19, getPriority(tid) + by);
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return null;
  }
}
