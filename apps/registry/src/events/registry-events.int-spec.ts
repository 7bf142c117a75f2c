import { randomBytes } from 'node:crypto';
import { EventBus, type ConsumedEvent, type Subscription } from '@keel/event-bus';
import type { EventType } from '@keel/contracts';
import { OutboxEvent } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import { IsNull, type DataSource } from 'typeorm';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';
import { sha } from '../testing/expect-status';

const signature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};
const WATCHED = ['keel.dataset.snapshotted', 'keel.model.registered', 'keel.model.promoted'] as const;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`registry events through the outbox [${kind}]`, () => {
    let broker: TestBroker;
    let registry: RegistryHarness;
    let consumer: EventBus;
    const subs: Subscription[] = [];
    const seen: ConsumedEvent<EventType>[] = [];

    beforeAll(async () => {
      broker = await startBroker();
      registry = await startRegistry(kind, {
        KEEL_REGISTRY_OUTBOX_RELAY: 'true',
        KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        KEEL_REGISTRY_OUTBOX_POLL_MS: '50',
      });
      consumer = new EventBus({ clientId: 'registry-events-spec', brokers: broker.brokers, source: 'keel/spec' });
      await consumer.connect();
      const group = `registry-spec-${randomBytes(4).toString('hex')}`;
      for (const type of WATCHED)
        subs.push(
          await consumer.subscribe(type, async (e: ConsumedEvent<EventType>) => void seen.push(e), {
            group: `${group}-${type}`,
          }),
        );
    });

    afterAll(async () => {
      await Promise.allSettled(subs.map((s) => s.close()));
      await consumer?.close();
      await registry?.stop();
      await broker?.stop();
    });

    it('should deliver snapshotted, registered and promoted events to a consumer when the changes commit', async () => {
      const c = registry.clients;
      await c.datasets.CreateDataset({
        name: 'churn',
        columns: [{ name: 'x', type: 'COLUMN_TYPE_NUMBER', nullable: false }],
      });
      await c.datasets.RegisterSnapshot({
        dataset: 'churn',
        sha256: sha('a'),
        rows: 42,
        profileJson: '{"columns":[]}',
        artifactUri: 'file:///s/a',
        windowFromMs: 1_764_000_000_000,
        windowToMs: 1_764_000_060_000,
      });
      const experiment = await c.runs.CreateExperiment({ name: 'events' });
      const run = await c.runs.CreateRun({ experimentId: experiment.id, snapshotSha256: sha('a') });
      await c.runs.LogBatch({ runId: run.id, metrics: [{ key: 'auc', value: 0.91 }] });
      await c.models.CreateRegisteredModel({ name: 'churn' });
      for (const d of ['b', 'c']) {
        await c.models.CreateModelVersion({
          model: 'churn',
          runId: run.id,
          snapshotSha256: sha('a'),
          artifactSha256: sha(d),
          artifactUri: `s3://m/${d}`,
          format: 'MODEL_FORMAT_ONNX',
          signature,
        });
      }
      await c.models.SetAlias({ model: 'churn', alias: 'production', version: 1, actor: 'ana' });
      await c.models.SetAlias({
        model: 'churn',
        alias: 'production',
        version: 2,
        reason: 'better',
        expectedRevision: 1,
      });
      // A rejected change publishes nothing.
      await expect(
        c.models.SetAlias({ model: 'churn', alias: 'production', version: 1, expectedRevision: 1 }),
      ).rejects.toThrow(/ABORTED/);

      await waitFor(() => seen.length >= 5, { timeoutMs: 30_000, what: 'five registry events' });
      const of = (type: EventType) => seen.filter((e) => e.type === type);
      expect(of('keel.dataset.snapshotted').map((e) => [e.key, e.source, e.data])).toEqual([
        [
          'churn',
          'keel/registry',
          expect.objectContaining({
            dataset: 'churn',
            version: 1,
            sha256: sha('a'),
            rows: 42,
            window: { from: '2025-11-24T16:00:00.000Z', to: '2025-11-24T16:01:00.000Z' },
          }),
        ],
      ]);
      expect(of('keel.model.registered').map((e) => e.data)).toEqual([
        expect.objectContaining({
          model: 'churn',
          version: 1,
          runId: run.id,
          snapshotSha256: sha('a'),
          artifactSha256: sha('b'),
          format: 'onnx',
          metrics: { auc: 0.91 },
        }),
        expect.objectContaining({ model: 'churn', version: 2, artifactSha256: sha('c') }),
      ]);
      expect(of('keel.model.promoted').map((e) => [e.subject, e.data])).toEqual([
        [
          'churn@production',
          expect.objectContaining({
            alias: 'production',
            fromVersion: null,
            toVersion: 1,
            promotedBy: 'ana',
            artifactUri: 's3://m/b',
          }),
        ],
        [
          'churn@production',
          expect.objectContaining({
            alias: 'production',
            fromVersion: 1,
            toVersion: 2,
            reason: 'better',
            artifactSha256: sha('c'),
          }),
        ],
      ]);
      // Exactly the five committed changes were written to the outbox (the rejected move wrote none), all sent.
      const db = registry.service.app.get<DataSource>(DATA_SOURCE);
      await waitFor(async () => (await db.getRepository(OutboxEvent).countBy({ sentAt: IsNull() })) === 0, {
        what: 'the outbox to drain',
      });
      expect(await db.getRepository(OutboxEvent).count()).toBe(5);
      expect(seen).toHaveLength(5);
    });
  });
}
