import { EVENT_EXAMPLES } from '@keel/contracts';
import { OutboxEvent, writeTransaction } from '@keel/persistence';
import { describeEachDatabase } from '@keel/persistence/testing';
import { startTelemetry, withSpan } from '@keel/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { spawnTs, startBroker, type TestBroker } from '@keel/testing';
import { IsNull, Not } from 'typeorm';
import { EventBusError } from './errors';
import { Registry } from 'prom-client';
import { EventBus } from './event-bus';
import { OutboxRelay } from './outbox-relay';
import { eventually, readTopic, topicSize, uniqueName } from './testing/kafka-test-kit';
import { SideEffect, specSchema } from './testing/spec-entities';

let broker: TestBroker;
let bus: EventBus;
const telemetry = startTelemetry({
  serviceName: 'outbox-spec',
  spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  env: {},
});

beforeAll(async () => {
  broker = await startBroker();
  bus = new EventBus({
    clientId: 'outbox',
    brokers: broker.brokers,
    source: 'keel/spec',
    topicPartitions: 1,
    provisionTopics: false,
  });
  await bus.connect();
});

afterAll(async () => {
  await bus?.close();
  await broker?.stop();
  await telemetry.shutdown();
});

describeEachDatabase('transactional outbox', specSchema, (db) => {
  const newDataset = () => uniqueName('o').replace(/-/g, '_');

  it('should publish nothing when the transaction rolls back', async () => {
    const dataset = newDataset();
    await expect(
      db.dataSource().transaction(async (m) => {
        await m.insert(SideEffect, { eventId: 'rolled-back', label: dataset });
        await bus.outbox.publish(m, 'keel.ingest.record', { n: 1 }, { key: 'k', dataset });
        throw new Error('abort the change');
      }),
    ).rejects.toThrow('abort the change');
    const relay = new OutboxRelay({ bus, dataSource: db.dataSource() });
    expect(await relay.drain()).toBe(0);
    expect(await topicSize(broker.brokers, `keel.ingest.${dataset}`)).toBe(0);
    expect(await db.dataSource().getRepository(SideEffect).countBy({ label: dataset })).toBe(0);
  });

  it('should refuse an invalid event or a call outside a transaction when storing', async () => {
    await expect(
      db
        .dataSource()
        .transaction((m) => bus.outbox.publish(m, 'keel.model.promoted', { model: 'x' } as never, { key: 'x' })),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(
      bus.outbox.publish(db.dataSource().manager, 'keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'x' }),
    ).rejects.toBeInstanceOf(EventBusError);
    expect(await db.dataSource().getRepository(OutboxEvent).countBy({ eventType: 'keel.model.promoted' })).toBe(0);
  });

  it('should publish committed rows in order with their trace context and mark them sent when the relay runs', async () => {
    const dataset = newDataset();
    const traceIds: string[] = [];
    for (let t = 0; t < 5; t++) {
      await withSpan('change', async (span) => {
        traceIds.push(span.spanContext().traceId);
        await db.dataSource().transaction(async (m) => {
          for (let i = 0; i < 10; i++)
            await bus.outbox.publish(m, 'keel.ingest.record', { n: t * 10 + i }, { key: `k${i % 3}`, dataset });
        });
      });
    }
    const relay = new OutboxRelay({ bus, dataSource: db.dataSource(), pollIntervalMs: 20 });
    relay.start();
    const records = await readTopic(broker.brokers, `keel.ingest.${dataset}`, 50);
    await relay.stop();
    expect(records.map((r) => (JSON.parse(r.value!) as { n: number }).n)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(records[0]!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'keel.ingest.record',
      ce_source: 'keel/spec',
    });
    // The relay sends long after the request that wrote the rows, yet each event continues that request's trace.
    expect(records.map((r) => r.headers['traceparent']!.split('-')[1])).toEqual(
      traceIds.flatMap((id) => Array<string>(10).fill(id)),
    );
    expect(
      await db
        .dataSource()
        .getRepository(OutboxEvent)
        .countBy({ topic: `keel.ingest.${dataset}`, sentAt: IsNull() }),
    ).toBe(0);
  });

  it('should re-publish on restart and be seen once when the process was killed between commit and publish', async () => {
    const dataset = newDataset();
    const child = spawnTs('libs/event-bus/src/testing/outbox-crash-writer.ts', {
      ...process.env,
      SPEC_DB: JSON.stringify(db.options),
      SPEC_BROKERS: JSON.stringify(broker.brokers),
      SPEC_DATASET: dataset,
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, sig) => resolve(sig)),
    );
    expect({ signal, out }).toEqual({ signal: 'SIGKILL', out: 'committed\n' });
    expect(await topicSize(broker.brokers, `keel.ingest.${dataset}`)).toBe(0);

    const seen: string[] = [];
    const sub = await bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        seen.push(e.id);
        await e.manager.insert(SideEffect, { eventId: e.id, label: `seen-${dataset}` });
      },
      { group: uniqueName('g'), dataset, dataSource: db.dataSource() },
    );
    const relay = new OutboxRelay({ bus, dataSource: db.dataSource() });
    expect(await relay.drain()).toBe(1);
    // A crash after sending but before marking sent: the next relay sends the same row again.
    const repo = db.dataSource().getRepository(OutboxEvent);
    const row = await repo.findOneByOrFail({ topic: `keel.ingest.${dataset}` });
    await repo.update({ seq: row.seq }, { sentAt: null });
    expect(await relay.drain()).toBe(1);
    const records = await readTopic(broker.brokers, `keel.ingest.${dataset}`, 2);
    expect(records.map((r) => r.headers['ce_id'])).toEqual([row.eventId, row.eventId]);
    await eventually(
      async () =>
        (await db
          .dataSource()
          .getRepository(SideEffect)
          .countBy({ label: `seen-${dataset}` })) === 1,
      'the event to be handled',
    );
    await sub.close();
    expect(seen).toEqual([row.eventId]);
    expect(await db.dataSource().getRepository(SideEffect).countBy({ label: 'written-by-crashed-process' })).toBe(1);
  });

  it('should send each row once in commit order per key with two relays, and report and skip a row that keeps failing', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const ds = db.dataSource();
    const registry = new Registry();
    const bus2 = new EventBus({
      clientId: 'outbox-2',
      brokers: broker.brokers,
      source: 'keel/spec',
      topicPartitions: 1,
      provisionTopics: false,
      metrics: registry,
    });
    await bus2.connect();
    // A row no broker accepts (an invalid topic name), written behind the outbox's back.
    await writeTransaction(ds, (m) =>
      m.insert(OutboxEvent, {
        eventId: `bad-${dataset}`,
        eventType: 'keel.ingest.record',
        topic: `${topic}.bad name!`,
        key: 'k0',
        subject: null,
        payload: '{}',
        headers: JSON.stringify({ source: 'keel/spec', time: new Date().toISOString(), trace: {} }),
        createdAt: Date.now(),
        sentAt: null,
      }),
    );
    const relays = [
      new OutboxRelay({ bus, dataSource: ds, pollIntervalMs: 10, maxSendAttempts: 3 }),
      new OutboxRelay({ bus: bus2, dataSource: ds, pollIntervalMs: 10, maxSendAttempts: 3 }),
    ];
    relays.forEach((r) => r.start());
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const committed = new Map<string, number[]>();
    const tx = async (n: number, key: string, holdMs: number) => {
      await writeTransaction(ds, async (m) => {
        await bus.outbox.publish(m, 'keel.ingest.record', { n }, { key, dataset });
        await sleep(holdMs);
      });
      committed.set(key, [...(committed.get(key) ?? []), n]);
    };
    // The first transaction on key "a" starts first and commits last: on PostgreSQL the others commit
    // while it is open (those on "a" wait for it), so insert order and commit order differ.
    const slow = tx(0, 'a', 400);
    await sleep(50);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => sleep((i * 7) % 40).then(() => tx(i + 1, 'abc'[i % 3]!, (i * 13) % 30))),
    );
    await slow;
    const records = await readTopic(broker.brokers, topic, 31);
    await Promise.all(relays.map((r) => r.stop()));
    await bus2.close();
    expect(new Set(records.map((r) => r.headers['ce_id'])).size).toBe(31);
    const byKey = new Map<string, number[]>();
    for (const r of records)
      byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), (JSON.parse(r.value!) as { n: number }).n]);
    expect(byKey).toEqual(committed);
    expect(await topicSize(broker.brokers, topic)).toBe(31);

    const repo = ds.getRepository(OutboxEvent);
    const bad = await repo.findOneByOrFail({ eventId: `bad-${dataset}` });
    expect(bad).toMatchObject({ sentAt: null, attempts: 3 });
    expect(bad.failedAt).not.toBeNull();
    expect(bad.lastError).toBeTruthy();
    const failedMetric = (await bus.metrics.outboxFailed.get()).values.concat(
      (await bus2.metrics.outboxFailed.get()).values,
    );
    expect(failedMetric.reduce((n, v) => n + v.value, 0)).toBeGreaterThanOrEqual(1);

    // Sent rows older than the retention are deleted; the failed row stays for inspection.
    const pruner = new OutboxRelay({ bus, dataSource: ds, retentionMs: 0, pruneIntervalMs: 0 });
    await sleep(5);
    await pruner.drain();
    expect(await repo.countBy({ sentAt: Not(IsNull()) })).toBe(0);
    expect(await repo.countBy({ eventId: `bad-${dataset}` })).toBe(1);
  });
});
