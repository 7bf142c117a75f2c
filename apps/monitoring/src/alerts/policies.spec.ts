import { decideAlert } from './alert-policy';
import { decideRetrain } from './retrain-policy';

describe('decideAlert', () => {
  it('should fire, fold repeats within the cooldown, repeat after it, and resolve on a normal window', () => {
    expect(decideAlert(null, true, 0, 60_000)).toEqual({ action: 'fire' });
    const open = { id: 'a1', lastNotifiedAt: 0 };
    expect(decideAlert(open, true, 59_999, 60_000)).toEqual({ action: 'suppress', id: 'a1' });
    expect(decideAlert(open, true, 60_000, 60_000)).toEqual({ action: 'repeat', id: 'a1' });
    expect(decideAlert(open, false, 1, 60_000)).toEqual({ action: 'resolve', id: 'a1' });
    expect(decideAlert(null, false, 1, 60_000)).toEqual({ action: 'none' });
  });
});

describe('decideRetrain', () => {
  const policy = { retrainOn: ['dataset_drift' as const, 'performance' as const], retrainCooldownSeconds: 3600 };
  const drift = { kind: 'drift' as const, severity: 'warning' as const, dataset: 'churn' };

  it('should ask for retraining only for the triggers in the policy', () => {
    expect(decideRetrain(policy, drift, null, 0)).toEqual({ request: false, why: 'not_in_policy' });
    expect(decideRetrain(policy, { ...drift, severity: 'critical' }, null, 0)).toEqual({
      request: true,
      reason: 'drift',
    });
    expect(decideRetrain({ ...policy, retrainOn: ['drift'] }, drift, null, 0)).toEqual({
      request: true,
      reason: 'drift',
    });
    expect(decideRetrain(policy, { ...drift, kind: 'performance' }, null, 0)).toEqual({
      request: true,
      reason: 'performance',
    });
  });

  it('should wait out the cooldown since the last request and need a dataset', () => {
    const perf = { kind: 'performance' as const, severity: 'critical' as const, dataset: 'churn' };
    expect(decideRetrain(policy, perf, 0, 3_599_999)).toEqual({ request: false, why: 'cooldown' });
    expect(decideRetrain(policy, perf, 0, 3_600_000)).toEqual({ request: true, reason: 'performance' });
    expect(decideRetrain(policy, { ...perf, dataset: null }, null, 0)).toEqual({ request: false, why: 'no_dataset' });
  });
});
