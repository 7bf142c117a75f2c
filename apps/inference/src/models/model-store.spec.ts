import { InferenceError } from '../serving/inference.errors';
import type { WorkerPool } from '../serving/worker-pool';
import { ModelStore } from './model-store';
import type { RegistrySource, VersionInfo } from './registry-source';

// Unit test of the store alone: a stand-in registry (versions 1-3 of model "a", 100-byte artifacts) and
// a stand-in worker pool that records loads and unloads.
function setup(budget: number) {
  const info = (version: number): VersionInfo => ({
    model: 'a',
    version,
    artifactSha256: String(version),
    signature: { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }], outputs: [] },
  });
  const registry = {
    aliased: async () => [{ model: 'a', version: 1 }],
    byAlias: async () => info(1),
    version: async (_m: string, v: number) => {
      if (v > 3) throw new InferenceError('not-found', 'no such version');
      return info(v);
    },
    download: async () => Buffer.alloc(100),
  } as unknown as RegistrySource;
  const loaded = new Set<string>();
  const pool = {
    size: 1,
    idleCount: () => 1,
    onIdle: () => undefined,
    load: async (k: string) => void loaded.add(k),
    unload: async (k: string) => void loaded.delete(k),
    run: async () => ({ outputs: [], computeNs: 0 }),
  } as unknown as WorkerPool;
  const logger = { info: () => undefined, warn: () => undefined };
  const batching = { maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueRows: 100 };
  const store = new ModelStore(registry, pool, 'production', batching, logger, () => undefined, budget);
  return { store, loaded };
}

async function ready(store: ModelStore, version: string): Promise<void> {
  for (;;) {
    try {
      await store.resolve('a', version);
      return;
    } catch (err) {
      if ((err as InferenceError).kind !== 'unavailable') throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

describe('model store', () => {
  it('should unload the least recently used unpinned version beyond the memory budget', async () => {
    const { store, loaded } = setup(250);
    await store.loadInitial(() => false);
    await ready(store, '2');
    await new Promise((r) => setTimeout(r, 5));
    await ready(store, '3');
    // 300 bytes > 250: version 2 (older use, no alias) goes; version 1 is pinned by production.
    expect([...loaded].map((k) => k.split('#')[0]).sort()).toEqual(['a:1', 'a:3']);
    expect(store.versionsOf('a')).toEqual([1, 3]);
  });

  it('should answer NOT_FOUND for a version the registry does not have and UNAVAILABLE while loading', async () => {
    const { store } = setup(0);
    await expect(store.resolve('a', '9')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(store.resolve('a', '2')).rejects.toMatchObject({ kind: 'unavailable' });
    await ready(store, '2');
  });
});
