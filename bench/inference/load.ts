// Load generation for bench:inference: closed loops (optionally interleaved across servers so that
// every server sees the same shifts of a shared machine's load), an open loop at a fixed rate, and
// the CPU time a server process spent (Linux /proc), which moves far less with other load than req/s.
import { readFileSync } from 'node:fs';
import type { InferenceClient } from '@keel/clients';
import type { inference } from '@keel/contracts';

export interface Run {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  requests: number;
  seconds: number;
}

interface Tally {
  latencies: number[];
  failures: number;
  seconds: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

function summary(t: Tally): Run {
  const sorted = t.latencies.slice().sort((a, b) => a - b);
  return {
    rps: sorted.length / t.seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    failures: t.failures,
    requests: sorted.length,
    seconds: t.seconds,
  };
}

async function closedInto(
  tally: Tally,
  client: InferenceClient,
  req: inference.ModelInferRequest,
  concurrency: number,
  seconds: number,
): Promise<void> {
  const end = Date.now() + seconds * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        try {
          await client.ModelInfer(req);
          tally.latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        } catch {
          tally.failures++;
        }
      }
    }),
  );
  tally.seconds += Number(process.hrtime.bigint() - start) / 1e9;
}

/** Closed loop: `concurrency` callers back to back for `seconds`. */
export async function closedLoop(
  client: InferenceClient,
  req: inference.ModelInferRequest,
  concurrency: number,
  seconds: number,
): Promise<Run> {
  const tally: Tally = { latencies: [], failures: 0, seconds: 0 };
  await closedInto(tally, client, req, concurrency, seconds);
  return summary(tally);
}

export interface Target {
  client: InferenceClient;
  /** The server's process id, for its CPU time (undefined: not reported). */
  pid?: number;
  /**
   * Waits until the server has finished the work its requests left behind (the service's prediction
   * log); the wait counts as that server's time, so its backlog never runs in another's slice.
   */
  settle?: () => Promise<void>;
}

export interface InterleavedRun extends Run {
  /** CPU time the server process spent per answered request over the whole interleaved run (µs). */
  cpuUsPerRequest: number;
}

/**
 * The same closed loop against several servers, `seconds` each in all, in `rounds` alternating
 * slices (A B C, C B A, A B C, ...), so that a change in the machine's other load lands on all of
 * them alike instead of on whichever ran second.
 */
export async function interleaved(
  targets: Target[],
  req: inference.ModelInferRequest,
  concurrency: number,
  seconds: number,
  rounds = 4,
): Promise<InterleavedRun[]> {
  const tallies: Tally[] = targets.map(() => ({ latencies: [], failures: 0, seconds: 0 }));
  const cpu0 = targets.map((t) => cpuMs(t.pid));
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => (r % 2 === 0 ? i : targets.length - 1 - i));
    for (const i of order) {
      const target = targets[i]!;
      await closedInto(tallies[i]!, target.client, req, concurrency, seconds / rounds);
      if (target.settle) {
        const started = process.hrtime.bigint();
        await target.settle();
        tallies[i]!.seconds += Number(process.hrtime.bigint() - started) / 1e9;
      }
    }
  }
  return tallies.map((t, i) => {
    const run = summary(t);
    const spent = cpuMs(targets[i]!.pid) - cpu0[i]!;
    return { ...run, cpuUsPerRequest: run.requests ? (spent * 1000) / run.requests : NaN };
  });
}

/** Open loop at a fixed rate: latency percentiles at that rate. */
export async function openLoop(
  client: InferenceClient,
  req: inference.ModelInferRequest,
  rate: number,
  seconds: number,
): Promise<Run> {
  const tally: Tally = { latencies: [], failures: 0, seconds };
  const total = Math.floor(rate * seconds);
  const start = process.hrtime.bigint();
  const pending: Promise<void>[] = [];
  // Paced by a 1 ms timer (never a busy loop: the generator must not steal the servers' CPU). A
  // request that falls due while the generator waits goes out late but is timed from when it went.
  for (let i = 0; i < total;) {
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    for (const due = Math.min(total, Math.floor(elapsed * rate) + 1); i < due; i++) {
      const t = process.hrtime.bigint();
      pending.push(
        client.ModelInfer(req).then(
          () => void tally.latencies.push(Number(process.hrtime.bigint() - t) / 1e6),
          () => void tally.failures++,
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { ...summary(tally), rps: rate };
}

/** User + system CPU time of a process in ms (Linux; NaN elsewhere or without a pid). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
