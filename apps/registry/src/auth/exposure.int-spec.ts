import { ConfigError } from '@keel/runtime';
import { startRegistry } from '../testing/registry-harness';

// Secure by default when exposed: the same check runs in every service (serviceConfigChecks).
describe('the exposure default', () => {
  it('should refuse to start on a non-loopback KEEL_HOST without KEEL_AUTH, saying so', async () => {
    const err = await startRegistry('sqlite', { KEEL_HOST: '0.0.0.0' }).then(
      async (h) => (await h.stop(), undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('KEEL_AUTH: KEEL_HOST=0.0.0.0 is not a loopback address');
  });

  it('should start on a non-loopback KEEL_HOST with KEEL_AUTH=off set explicitly', async () => {
    const h = await startRegistry('sqlite', { KEEL_HOST: '0.0.0.0', KEEL_AUTH: 'off' });
    try {
      expect((await h.clients.datasets.ListDatasets({})).datasets).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});
