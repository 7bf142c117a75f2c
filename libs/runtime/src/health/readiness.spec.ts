import { Readiness } from './readiness';

describe('Readiness', () => {
  it('should not be ready when it has not started yet', async () => {
    expect(await new Readiness().report()).toEqual({ ready: false, checks: { lifecycle: 'starting' } });
  });

  it('should name the failing dependency when a check throws', async () => {
    const r = new Readiness();
    r.markStarted();
    r.register('database', async () => undefined);
    r.register('kafka', async () => {
      throw new Error('broker unreachable');
    });
    expect(await r.report()).toEqual({
      ready: false,
      checks: { lifecycle: 'ok', database: 'ok', kafka: 'broker unreachable' },
    });
  });

  it('should time out a hanging check when it does not answer', async () => {
    const r = new Readiness();
    r.markStarted();
    r.register('slow', () => new Promise(() => undefined));
    expect((await r.report(50)).checks['slow']).toBe('no answer within 50 ms');
  });

  it('should stop being ready when shutting down', async () => {
    const r = new Readiness();
    r.markStarted();
    expect((await r.report()).ready).toBe(true);
    r.markStopping();
    expect(await r.report()).toEqual({ ready: false, checks: { lifecycle: 'shutting down' } });
  });
});
