import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@keel/persistence';
import { startPrivatePostgres, type PrivatePostgres } from '@keel/persistence/testing';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { EventBus } from './event-bus';
import { topicSize, uniqueName } from './testing/kafka-test-kit';
import { SideEffect, specSchema } from './testing/spec-entities';
import type { Subscription } from './types';

// A database outage under a consuming service is waited out, not drained into the dead-letter topic.
describe('a PostgreSQL outage under an idempotent consumer', () => {
  let broker: TestBroker;
  let pg: PrivatePostgres;
  let ds: DataSource;
  let bus: EventBus;
  let sub: Subscription | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-outage-'));

  beforeAll(async () => {
    [broker, pg] = await Promise.all([startBroker(), startPrivatePostgres()]);
    ds = await openDatabase({ service: 'outage', dataDir, databaseUrl: pg.url, schema: 'outage', ...specSchema });
    bus = new EventBus({
      clientId: 'outage',
      brokers: broker.brokers,
      source: 'keel/spec',
      metrics: new Registry(),
      topicPartitions: 2,
      provisionTopics: false,
    });
    await bus.connect();
  }, 120_000);

  afterAll(async () => {
    await sub?.close();
    await bus?.close();
    if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    pg?.remove();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = async () =>
    (await ds.query('SELECT event_id, COUNT(*)::int AS n FROM spec_side_effect GROUP BY event_id')) as {
      event_id: string;
      n: number;
    }[];

  it('should pause, report not ready, dead-letter nothing and process every event exactly once after the restart', async () => {
    const dataset = uniqueName('o').replace(/-/g, '_');
    const calls = new Map<number, number>();
    sub = await bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        const n = e.data['n'] as number;
        calls.set(n, (calls.get(n) ?? 0) + 1);
        await e.manager.insert(SideEffect, { eventId: e.id, label: String(n) });
      },
      {
        group: uniqueName('g'),
        dataset,
        dataSource: ds,
        chunkSize: 20,
        retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 1000, multiplier: 2, jitter: 0 },
      },
    );
    const publish = (from: number, to: number) =>
      Promise.all(
        Array.from({ length: to - from }, (_, i) =>
          bus.publish('keel.ingest.record', { n: from + i }, { key: `k${(from + i) % 7}`, dataset }),
        ),
      );
    await publish(0, 60);
    await waitFor(async () => (await rows()).length === 60, { timeoutMs: 30_000, what: 'the first 60 events' });

    pg.stop();
    await publish(60, 160);
    await waitFor(() => bus.pausedPartitions().length > 0, { timeoutMs: 30_000, what: 'a paused partition' });
    await expect(bus.checkReady()).rejects.toThrow(/paused by an outage/);
    // Keep the database down long enough for several backoff rounds of the consumer.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await topicSize(broker.brokers, `keel.ingest.${dataset}.dlq`)).toBe(0);
    pg.start();

    await waitFor(async () => (await rows().catch(() => [])).length === 160, {
      timeoutMs: 60_000,
      what: 'all 160 events after the restart',
    });
    const all = await rows();
    expect(all.every((r) => r.n === 1)).toBe(true);
    await waitFor(() => bus.pausedPartitions().length === 0, { timeoutMs: 20_000, what: 'the partitions to resume' });
    await expect(bus.checkReady()).resolves.toBeUndefined();
    expect(await topicSize(broker.brokers, `keel.ingest.${dataset}.dlq`)).toBe(0);
    expect([...calls.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 160 }, (_, i) => i));
  }, 150_000);
});
