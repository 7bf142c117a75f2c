import { RestartPolicy, restartPolicyFromEnv } from './up-restart-policy';

describe('RestartPolicy', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000, maxRestarts: 3, windowMs: 60_000, resetAfterMs: 30_000 };

  it('should back off exponentially up to the cap', () => {
    const policy = new RestartPolicy({ ...options, maxRestarts: 100 });
    const delays = [0, 1, 2, 3, 4, 5].map((i) => policy.onCrash(i * 61_000, 10));
    expect(delays.map((d) => (d.action === 'restart' ? d.delayMs : -1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('should give up on a crash loop naming how many exits it saw', () => {
    const policy = new RestartPolicy(options);
    const decisions = [0, 1000, 2000, 3000].map((t) => policy.onCrash(t, 500));
    expect(decisions.slice(0, 3).every((d) => d.action === 'restart')).toBe(true);
    expect(decisions[3]).toEqual({ action: 'give-up', reason: 'crash loop: 4 unexpected exits within 60 s' });
  });

  it('should forget crashes older than the window and reset the backoff after a long healthy run', () => {
    const policy = new RestartPolicy(options);
    policy.onCrash(0, 10);
    policy.onCrash(1000, 10);
    policy.onCrash(2000, 10);
    const later = policy.onCrash(200_000, 100_000);
    expect(later).toEqual({ action: 'restart', delayMs: 100, attempt: 1 });
  });

  it('should list every bad supervisor variable', () => {
    const { problems } = restartPolicyFromEnv({
      KEEL_SUPERVISOR_MAX_RESTARTS: '-1',
      KEEL_SUPERVISOR_RESTART_BASE_MS: 'x',
    });
    expect(problems).toEqual([
      'KEEL_SUPERVISOR_RESTART_BASE_MS: expected an integer ≥ 0, got "x"',
      'KEEL_SUPERVISOR_MAX_RESTARTS: expected an integer ≥ 0, got "-1"',
    ]);
  });
});
