import { randomBytes } from 'node:crypto';
import { EventBus, Outbox, type ConsumedEvent } from '@keel/event-bus';
import { OutboxEvent } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { IsNull, type DataSource } from 'typeorm';
import { ModelError, ModelErrorCode } from '../models/models.errors';
import { sha } from '../testing/expect-status';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';

const signature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};
const MOVES = 30;

/**
 * The outbox relay and the registry's transactions share one database. On SQLite they share one
 * connection too, so unless they share one lock the relay can read an event a transaction has not
 * committed (and later rolls back: a phantom event) or mark rows sent inside a transaction that rolls
 * back (the rows go out again: duplicates). This drives contended alias moves, a third of which write
 * their event and then roll back as a lost race does, while the relay polls every 10 ms.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`outbox events under contended, rolled-back alias moves [${kind}]`, () => {
    let broker: TestBroker;
    let registry: RegistryHarness;
    let consumer: EventBus;
    const seen: ConsumedEvent<'keel.model.promoted'>[] = [];

    beforeAll(async () => {
      broker = await startBroker();
      registry = await startRegistry(kind, {
        KEEL_REGISTRY_OUTBOX_RELAY: 'true',
        KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        KEEL_REGISTRY_OUTBOX_POLL_MS: '10',
      });
      consumer = new EventBus({ clientId: 'exactly-once-spec', brokers: broker.brokers, source: 'keel/spec' });
      await consumer.connect();
      await consumer.subscribe('keel.model.promoted', async (e) => void seen.push(e), {
        group: `exactly-once-${randomBytes(4).toString('hex')}`,
      });
    });

    afterAll(async () => {
      await consumer?.close();
      await registry?.stop();
      await broker?.stop();
    });

    it('should publish every committed move exactly once and no rolled-back one', async () => {
      const c = registry.clients;
      const experiment = await c.runs.CreateExperiment({ name: 'contended' });
      const run = await c.runs.CreateRun({ experimentId: experiment.id });
      await c.models.CreateRegisteredModel({ name: 'churn' });
      for (const d of ['a', 'b', 'c']) {
        await c.models.CreateModelVersion({
          model: 'churn',
          runId: run.id,
          snapshotSha256: sha('f'),
          artifactSha256: sha(d),
          artifactUri: `s3://m/${d}`,
          format: 'MODEL_FORMAT_ONNX',
          signature,
        });
      }

      // Every third alias move writes its event, holds its transaction open a moment, then rolls back
      // the way a lost compare-and-set does; an unconditional move then tries again.
      const outbox = registry.service.app.get(Outbox);
      const publish = outbox.publish.bind(outbox);
      let calls = 0;
      let rolledBack = 0;
      outbox.publish = (async (...args: Parameters<typeof publish>) => {
        const id = await publish(...args);
        await new Promise((r) => setTimeout(r, 15));
        if (args[1] === 'keel.model.promoted' && ++calls % 3 === 0) {
          rolledBack++;
          throw new ModelError(ModelErrorCode.AliasConflict, 'lost the race (injected)', 'expected_revision');
        }
        return id;
      }) as typeof outbox.publish;

      const outcomes = await Promise.allSettled(
        Array.from({ length: MOVES }, (_, i) =>
          c.models.SetAlias({
            model: 'churn',
            alias: i % 2 ? 'production' : 'staging',
            version: (i % 3) + 1,
            // A few compare-and-set moves: they lose for real or to the injected rollback (ABORTED).
            ...(i % 10 === 9 ? { expectedRevision: 1 } : {}),
          }),
        ),
      );
      outbox.publish = publish;
      const committedMoves = outcomes.filter((o) => o.status === 'fulfilled').length;
      expect(committedMoves).toBeGreaterThanOrEqual(MOVES - 3);
      expect(rolledBack).toBeGreaterThanOrEqual(MOVES / 3 - 1);

      // A last move after the storm: the relay sends in commit order on one key, so once the consumer
      // has it, any re-send of an earlier row would have arrived already.
      await c.models.SetAlias({ model: 'churn', alias: 'sentinel', version: 1 });
      await waitFor(() => seen.some((e) => e.data.alias === 'sentinel'), {
        timeoutMs: 45_000,
        what: 'the sentinel promotion event',
      });

      // The relay marks rows sent only after the broker acknowledged them, so the consumer can see the
      // sentinel a moment before its row (and those sent with it) is marked: wait for the marks.
      const db = registry.service.app.get<DataSource>(DATA_SOURCE);
      await waitFor(
        async () =>
          (await db.getRepository(OutboxEvent).countBy({ eventType: 'keel.model.promoted', sentAt: IsNull() })) === 0,
        { timeoutMs: 30_000, what: 'every promotion row to be marked sent' },
      );
      const rows = await db.getRepository(OutboxEvent).find({ where: { eventType: 'keel.model.promoted' } });
      const history = (
        await Promise.all(
          ['production', 'staging', 'sentinel'].map((alias) =>
            c.models.ListAliasHistory({ model: 'churn', alias, page: { pageSize: 1000 } }),
          ),
        )
      ).flatMap((h) => h.changes);
      // One outbox row per committed move, all sent; one delivered event per row, none invented.
      expect(rows).toHaveLength(committedMoves + 1);
      expect(history).toHaveLength(committedMoves + 1);
      expect(rows.every((r) => r.sentAt !== null)).toBe(true);
      const delivered = seen.map((e) => e.id);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect([...delivered].sort()).toEqual(rows.map((r) => r.eventId).sort());
    });
  });
}
