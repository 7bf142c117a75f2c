import { randomBytes } from 'node:crypto';
import { EventBus, type ConsumedEvent } from '@keel/event-bus';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';
import { sha } from '../testing/expect-status';

describe('registry writes while Kafka is down', () => {
  let broker: TestBroker;
  let registry: RegistryHarness | undefined;
  let consumer: EventBus | undefined;

  beforeAll(async () => {
    broker = await startBroker();
    await broker.stop();
  });

  afterAll(async () => {
    await consumer?.close();
    await registry?.stop();
    await broker?.stop();
  });

  it('should commit writes with Kafka down and deliver their events once it is back', async () => {
    registry = await startRegistry('sqlite', {
      KEEL_REGISTRY_OUTBOX_RELAY: 'true',
      KEEL_KAFKA_BROKERS: broker.brokers.join(','),
      KEEL_REGISTRY_OUTBOX_POLL_MS: '50',
    });
    const c = registry.clients;
    await c.datasets.CreateDataset({ name: 'offline', columns: [{ name: 'x', type: 'COLUMN_TYPE_NUMBER' }] });
    const started = Date.now();
    const snap = await c.datasets.RegisterSnapshot({
      dataset: 'offline',
      sha256: sha('d'),
      rows: 1,
      profileJson: '{"columns":[]}',
      artifactUri: 'file:///s/d',
      windowFromMs: 1,
      windowToMs: 2,
    });
    expect(snap.version).toBe(1);
    // The write did not wait for Kafka.
    expect(Date.now() - started).toBeLessThan(2000);

    await broker.restart();
    consumer = new EventBus({ clientId: 'outage-spec', brokers: broker.brokers, source: 'keel/spec' });
    await consumer.connect();
    const seen: ConsumedEvent<'keel.dataset.snapshotted'>[] = [];
    await consumer.subscribe('keel.dataset.snapshotted', async (e) => void seen.push(e), {
      group: `outage-${randomBytes(4).toString('hex')}`,
    });
    await waitFor(() => seen.length === 1, { timeoutMs: 45_000, what: 'the snapshot event after Kafka came back' });
    expect(seen[0]!.data).toMatchObject({ dataset: 'offline', version: 1, sha256: sha('d') });
  }, 90_000);
});
