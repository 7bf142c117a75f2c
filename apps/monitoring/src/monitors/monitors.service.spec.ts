// Unit test of MonitorsService.follow alone: the registry port is a fake that answers what the test says.
import { loadConfig, Readiness } from '@keel/runtime';
import { createLogger } from '@keel/telemetry';
import type { Outbox } from '@keel/event-bus';
import { monitoringSettings } from '../config';
import { LiveFeed } from '../common/live-feed';
import type { RegistryPort } from '../registry/registry.port';
import type { MonitorsRepository } from './monitors.repository';
import { MonitorsService } from './monitors.service';

function service(production: { current: number | null; fail?: boolean; calls: number }) {
  const registry = {
    productionVersions: () => Promise.resolve([{ model: 'churn', version: 1 }]),
    productionVersion: () => {
      production.calls++;
      return production.fail ? Promise.reject(new Error('registry down')) : Promise.resolve(production.current);
    },
  } as unknown as RegistryPort;
  const repo = { all: () => Promise.resolve(new Map()) } as unknown as MonitorsRepository;
  const config = loadConfig('monitoring', monitoringSettings, {});
  return new MonitorsService(
    repo,
    registry,
    config,
    createLogger('monitoring', { level: 'silent' }),
    new Readiness(),
    new LiveFeed(),
    {} as Outbox,
  );
}

const until = async (ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('MonitorsService.follow (a logged prediction names another version than the one followed)', () => {
  it('should follow the registry when the production alias already points at the logged version', async () => {
    const registry = { current: 2 as number | null, calls: 0 };
    const monitors = service(registry);
    await monitors.onApplicationBootstrap();
    await until(() => monitors.isSynced);
    expect(monitors.productionVersion('churn')).toBe(1);
    const revision = monitors.current('churn').revision;
    expect(await monitors.follow('churn', 2)).toBe(true);
    expect(monitors.productionVersion('churn')).toBe(2);
    expect(monitors.current('churn').revision).toBe(revision + 1);
    monitors.onApplicationShutdown();
  });

  it('should stay on its version for a straggler of an older version, asking at most once a second', async () => {
    const registry = { current: 2 as number | null, calls: 0 };
    const monitors = service(registry);
    await monitors.onApplicationBootstrap();
    await until(() => monitors.isSynced);
    expect(await monitors.follow('churn', 2)).toBe(true);
    for (let i = 0; i < 50; i++) expect(await monitors.follow('churn', 1)).toBe(false);
    expect(registry.calls).toBe(1);
    expect(monitors.productionVersion('churn')).toBe(2);
    monitors.onApplicationShutdown();
  });

  it('should not move when the registry does not answer', async () => {
    const registry = { current: 2 as number | null, fail: true, calls: 0 };
    const monitors = service(registry);
    await monitors.onApplicationBootstrap();
    await until(() => monitors.isSynced);
    expect(await monitors.follow('churn', 2)).toBe(false);
    expect(monitors.productionVersion('churn')).toBe(1);
    monitors.onApplicationShutdown();
  });
});
