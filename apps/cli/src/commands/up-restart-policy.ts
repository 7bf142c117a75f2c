/**
 * What the supervisor does when a process that was ready exits unexpectedly: restart it after an
 * exponential backoff (base · 2^n, capped), unless it has crashed too often lately (a crash loop), in
 * which case it gives up on that process and leaves the others running — as a restart policy with
 * CrashLoopBackOff does in a cluster, minus the endless retry.
 */
export interface RestartPolicyOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** More than this many restarts within `windowMs` is a crash loop. */
  maxRestarts: number;
  windowMs: number;
  /** A process that stayed up this long is healthy again: its backoff starts over. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRestarts: 5,
  windowMs: 60_000,
  resetAfterMs: 60_000,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number; attempt: number } | { action: 'give-up'; reason: string };

export class RestartPolicy {
  private readonly crashes: number[] = [];
  private consecutive = 0;

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Called when the process exits unexpectedly at `now`, having been up for `uptimeMs`. */
  onCrash(now: number, uptimeMs: number): RestartDecision {
    const { baseDelayMs, maxDelayMs, maxRestarts, windowMs, resetAfterMs } = this.options;
    if (uptimeMs >= resetAfterMs) this.consecutive = 0;
    this.crashes.push(now);
    while (this.crashes.length > 0 && this.crashes[0] <= now - windowMs) this.crashes.shift();
    if (this.crashes.length > maxRestarts) {
      return {
        action: 'give-up',
        reason: `crash loop: ${this.crashes.length} unexpected exits within ${Math.round(windowMs / 1000)} s`,
      };
    }
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** this.consecutive);
    this.consecutive += 1;
    return { action: 'restart', delayMs, attempt: this.consecutive };
  }
}

/** Reads the policy from KEEL_SUPERVISOR_* variables (milliseconds / counts), falling back to the defaults. */
export function restartPolicyFromEnv(env: NodeJS.ProcessEnv): { options: RestartPolicyOptions; problems: string[] } {
  const problems: string[] = [];
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`${name}: expected an integer ≥ ${min}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const d = DEFAULT_RESTART_POLICY;
  return {
    options: {
      baseDelayMs: read('KEEL_SUPERVISOR_RESTART_BASE_MS', d.baseDelayMs, 0),
      maxDelayMs: read('KEEL_SUPERVISOR_RESTART_MAX_MS', d.maxDelayMs, 0),
      maxRestarts: read('KEEL_SUPERVISOR_MAX_RESTARTS', d.maxRestarts, 0),
      windowMs: read('KEEL_SUPERVISOR_RESTART_WINDOW_MS', d.windowMs, 1),
      resetAfterMs: d.resetAfterMs,
    },
    problems,
  };
}
