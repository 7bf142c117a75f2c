// Whether a newly fired alert asks training for a new model: the monitor's policy names the triggers
// (any drift, dataset drift only, performance) and a cooldown between requests for one model.
import type { RetrainTrigger } from '../monitors/monitor-settings';
import type { AlertKind, AlertSeverity } from './alert-policy';

export interface RetrainPolicy {
  retrainOn: RetrainTrigger[];
  retrainCooldownSeconds: number;
}

export type RetrainDecision =
  | { request: true; reason: 'drift' | 'performance' }
  | { request: false; why: 'not_in_policy' | 'cooldown' | 'no_dataset' };

export function decideRetrain(
  policy: RetrainPolicy,
  alert: { kind: AlertKind; severity: AlertSeverity; dataset: string | null },
  lastRequestAt: number | null,
  now: number,
): RetrainDecision {
  const wanted =
    alert.kind === 'performance'
      ? policy.retrainOn.includes('performance')
      : policy.retrainOn.includes('drift') ||
        (policy.retrainOn.includes('dataset_drift') && alert.severity === 'critical');
  if (!wanted) return { request: false, why: 'not_in_policy' };
  if (!alert.dataset) return { request: false, why: 'no_dataset' };
  if (lastRequestAt !== null && now - lastRequestAt < policy.retrainCooldownSeconds * 1000)
    return { request: false, why: 'cooldown' };
  return { request: true, reason: alert.kind === 'performance' ? 'performance' : 'drift' };
}
