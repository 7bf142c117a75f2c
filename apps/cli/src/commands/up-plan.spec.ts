import { SERVICE_NODE_OPTIONS } from '@keel/contracts';
import { planPlatform } from './up-plan';

describe('planPlatform', () => {
  it('should start each service with its own Node options ahead of the operator’s, and leave the others alone', () => {
    const plan = planPlatform('/dist', '/data', { NODE_OPTIONS: '--max-semi-space-size=8 --enable-source-maps' });
    const byName = Object.fromEntries(plan.map((p) => [p.name, p]));
    // The operator's options come last, so theirs win where both set one.
    expect(byName['inference']!.env['NODE_OPTIONS']).toBe(
      `${SERVICE_NODE_OPTIONS.inference} --max-semi-space-size=8 --enable-source-maps`,
    );
    expect(byName['registry']!.env['NODE_OPTIONS']).toBe('--max-semi-space-size=8 --enable-source-maps');
    expect(byName['broker']!.env['NODE_OPTIONS']).toBe('--max-semi-space-size=8 --enable-source-maps');
  });

  it('should set NODE_OPTIONS only for a service that has options of its own', () => {
    const plan = planPlatform('/dist', '/data', {});
    const byName = Object.fromEntries(plan.map((p) => [p.name, p]));
    expect(byName['inference']!.env['NODE_OPTIONS']).toBe('--max-semi-space-size=64');
    expect('NODE_OPTIONS' in byName['monitoring']!.env).toBe(false);
  });
});
