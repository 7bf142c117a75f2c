import { DEFAULT_RETRY_POLICY, assertRetryPolicy, backoffDelay, type RetryPolicy } from './backoff';
import { EventBusError } from './errors';

const policy: RetryPolicy = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

describe('backoffDelay', () => {
  it.each([
    [1, 0],
    [2, 100],
    [3, 200],
    [4, 400],
    [5, 800],
    [6, 1000],
    [20, 1000],
  ])('should wait %#: attempt %i -> %i ms when jitter is off', (attempt, ms) => {
    expect(backoffDelay(policy, attempt)).toBe(ms);
  });

  it('should stay within [base*(1-jitter), base] when jitter is on', () => {
    const jittery = { ...policy, jitter: 0.5 };
    expect(backoffDelay(jittery, 3, () => 0)).toBe(100);
    expect(backoffDelay(jittery, 3, () => 0.999999)).toBe(200);
  });
});

describe('assertRetryPolicy', () => {
  it('should accept the default policy when checked', () => {
    expect(assertRetryPolicy(DEFAULT_RETRY_POLICY)).toBe(DEFAULT_RETRY_POLICY);
  });

  it('should list every problem when the policy is invalid', () => {
    const bad = { attempts: 0, initialDelayMs: -1, maxDelayMs: -5, multiplier: 0.5, jitter: 2 };
    expect(() => assertRetryPolicy(bad)).toThrow(EventBusError);
    try {
      assertRetryPolicy(bad);
    } catch (err) {
      expect((err as EventBusError).code).toBe('INVALID_CONFIG');
      expect((err as EventBusError).issues).toHaveLength(5);
    }
  });
});
