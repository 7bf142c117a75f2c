import { EventBusError } from './errors';

export interface RetryPolicy {
  /** Total handler attempts before dead-lettering (first try included). */
  attempts: number;
  /** Delay before the second attempt. */
  initialDelayMs: number;
  /** Ceiling for any one delay. */
  maxDelayMs: number;
  multiplier: number;
  /** 0..1: share of each delay that is randomised, so many consumers do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
};

export function assertRetryPolicy(p: RetryPolicy): RetryPolicy {
  const issues: string[] = [];
  if (!Number.isInteger(p.attempts) || p.attempts < 1)
    issues.push(`attempts must be an integer >= 1 (got ${p.attempts})`);
  if (!(p.initialDelayMs >= 0)) issues.push(`initialDelayMs must be >= 0 (got ${p.initialDelayMs})`);
  if (!(p.maxDelayMs >= p.initialDelayMs)) issues.push(`maxDelayMs must be >= initialDelayMs (got ${p.maxDelayMs})`);
  if (!(p.multiplier >= 1)) issues.push(`multiplier must be >= 1 (got ${p.multiplier})`);
  if (!(p.jitter >= 0 && p.jitter <= 1)) issues.push(`jitter must be within 0..1 (got ${p.jitter})`);
  if (issues.length) throw new EventBusError('INVALID_CONFIG', 'invalid retry policy', issues);
  return p;
}

/** Delay before attempt `attempt` (2 = the first retry): exponential, capped, with bounded jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  if (attempt <= 1) return 0;
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 2));
  const spread = base * policy.jitter;
  return Math.round(base - spread + random() * spread);
}
