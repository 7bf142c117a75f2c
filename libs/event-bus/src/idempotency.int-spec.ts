import { withDatabaseLock } from '@keel/persistence';
import { describeEachDatabase } from '@keel/persistence/testing';
import { PermanentEventError } from './errors';
import { embeddedBrokerBus } from './testing/embedded-broker-bus';
import { SideEffect, specSchema } from './testing/spec-entities';
import { eventually, produceRaw, produceWithKcat, rawKafka, topicSize, uniqueName } from './testing/kafka-test-kit';

const fastRetry = { attempts: 4, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2, jitter: 0 };

const spec = embeddedBrokerBus('idem');

describeEachDatabase('idempotent consumption', specSchema, (db) => {
  const newDataset = () => uniqueName('i').replace(/-/g, '_');

  it('should cause side effects once when processed events are redelivered after a restart before the offset commit', async () => {
    const dataset = newDataset();
    const group = uniqueName('g');
    let calls = 0;
    const handler = async (e: {
      id: string;
      data: Record<string, unknown>;
      manager: import('typeorm').EntityManager;
    }) => {
      calls++;
      await e.manager.insert(SideEffect, { eventId: e.id, label: String(e.data['n']) });
    };
    const first = await spec.bus.subscribe('keel.ingest.record', handler, {
      group,
      dataset,
      dataSource: db.dataSource(),
    });
    for (let n = 1; n <= 3; n++) await spec.bus.publish('keel.ingest.record', { n }, { key: 'k', dataset });
    await eventually(
      async () => (await db.dataSource().getRepository(SideEffect).countBy({ label: '3' })) === 1,
      'three side effects',
    );
    await first.close();
    expect(calls).toBe(3);

    // The crash window: side effects and dedupe rows are committed, the group's offset is not.
    const admin = rawKafka(spec.broker.brokers).admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic: `keel.ingest.${dataset}`,
      partitions: [{ partition: 0, offset: '0' }],
    });
    await admin.disconnect();

    await spec.bus.publish('keel.ingest.record', { n: 4 }, { key: 'k', dataset });
    const second = await spec.bus.subscribe('keel.ingest.record', handler, {
      group,
      dataset,
      dataSource: db.dataSource(),
    });
    await eventually(
      async () => (await db.dataSource().getRepository(SideEffect).countBy({ label: '4' })) === 1,
      'the fourth side effect',
    );
    await second.close();
    const rows = await db
      .dataSource()
      .getRepository(SideEffect)
      .find({ where: [{ label: '1' }, { label: '2' }, { label: '3' }, { label: '4' }] });
    expect(rows.map((r) => r.label).sort()).toEqual(['1', '2', '3', '4']);
    expect(calls).toBe(4);
    expect(await spec.registry.metrics()).toContain(
      `keel_events_consumed_total{type="keel.ingest.record",group="${group}",outcome="duplicate"} 3`,
    );
  });

  it("should roll back a failed attempt's writes and record each event once when a handler fails after writing", async () => {
    const dataset = newDataset();
    const tries = new Map<number, number>();
    const sub = await spec.bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        const n = e.data['n'] as number;
        tries.set(n, (tries.get(n) ?? 0) + 1);
        await e.manager.insert(SideEffect, { eventId: e.id, label: `${dataset}-${n}` });
        if (n === 3 && tries.get(n)! < 3) throw new Error('fails after writing');
      },
      { group: uniqueName('g'), dataset, dataSource: db.dataSource(), retry: fastRetry },
    );
    for (let n = 1; n <= 5; n++) await spec.bus.publish('keel.ingest.record', { n }, { key: 'k', dataset });
    const repo = db.dataSource().getRepository(SideEffect);
    const mine = async () => (await repo.find()).filter((r) => r.label.startsWith(`${dataset}-`));
    await eventually(async () => (await mine()).length >= 5, 'five side effects');
    await sub.close();
    expect((await mine()).map((r) => r.label).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `${dataset}-${n}`));
    expect(tries.get(3)).toBe(3);
    expect(await topicSize(spec.broker.brokers, `keel.ingest.${dataset}.dlq`)).toBe(0);
  });

  it('should dedupe plain kcat records by their derived id when they are redelivered', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const group = uniqueName('g');
    const ids: string[] = [];
    const handler = async (e: {
      id: string;
      data: Record<string, unknown>;
      manager: import('typeorm').EntityManager;
    }) => {
      ids.push(e.id);
      await e.manager.insert(SideEffect, { eventId: e.id, label: `kcat-${dataset}` });
    };
    await spec.bus.ensureTopics([topic]);
    await produceWithKcat(spec.broker.brokers, topic, [
      'c1:{"CustomerID":1}',
      'c2:{"CustomerID":2}',
      'c3:{"CustomerID":3}',
    ]);
    const effects = db.dataSource().getRepository(SideEffect);
    let sub = await spec.bus.subscribe('keel.ingest.record', handler, { group, dataset, dataSource: db.dataSource() });
    await eventually(async () => (await effects.countBy({ label: `kcat-${dataset}` })) === 3, 'three kcat records');
    await sub.close();
    const admin = rawKafka(spec.broker.brokers).admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();
    await produceWithKcat(spec.broker.brokers, topic, ['c4:{"CustomerID":4}']);
    sub = await spec.bus.subscribe('keel.ingest.record', handler, { group, dataset, dataSource: db.dataSource() });
    await eventually(async () => (await effects.countBy({ label: `kcat-${dataset}` })) === 4, 'the fourth kcat record');
    await sub.close();
    expect(ids.map((id) => id.replace(/@\d+$/, ''))).toEqual(
      [0, 1, 2, 3].map((offset) => `kafka:${topic}:0:${offset}`),
    );

    // The topic is deleted and created again (or the broker reset): offsets start at 0 again, and the
    // new records must not be taken for the old ones that had the same offsets.
    const admin2 = rawKafka(spec.broker.brokers).admin();
    await admin2.connect();
    await admin2.deleteTopics({ topics: [topic] });
    await eventually(async () => !(await admin2.listTopics()).includes(topic), 'the topic to go');
    await admin2.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin2.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin2.disconnect();
    await produceWithKcat(spec.broker.brokers, topic, ['c5:{"CustomerID":5}', 'c6:{"CustomerID":6}']);
    sub = await spec.bus.subscribe('keel.ingest.record', handler, { group, dataset, dataSource: db.dataSource() });
    await eventually(async () => (await effects.countBy({ label: `kcat-${dataset}` })) === 6, 'the recreated topic');
    await sub.close();
    expect(ids.slice(4).map((id) => id.replace(/@\d+$/, ''))).toEqual([`kafka:${topic}:0:0`, `kafka:${topic}:0:1`]);
  });

  it('should handle two events with one ce_id from different ce_sources as two events, and each only once', async () => {
    const dataset = newDataset();
    const topic = `keel.ingest.${dataset}`;
    const seen: string[] = [];
    await spec.bus.ensureTopics([topic]);
    const ce = (source: string) => ({
      ce_specversion: '1.0',
      ce_id: 'same-id',
      ce_type: 'keel.ingest.record',
      ce_source: source,
    });
    const records = [
      { key: 'a', value: '{"n":1}', headers: ce('keel/a') },
      { key: 'a', value: '{"n":2}', headers: ce('keel/b') },
      { key: 'a', value: '{"n":3}', headers: ce('keel/a') },
    ];
    // A row from before ce_source was part of the key (empty source) still matches any source.
    const group = uniqueName('g');
    await withDatabaseLock(db.dataSource(), () =>
      db
        .dataSource()
        .query(
          `INSERT INTO keel_processed_events (consumer_group, event_source, event_id, event_type, processed_at) VALUES (${db.kind === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
          [group, '', 'legacy-id', 'keel.ingest.record', Date.now()],
        ),
    );
    records.unshift({ key: 'a', value: '{"n":0}', headers: { ...ce('keel/a'), ce_id: 'legacy-id' } });
    await produceRaw(spec.broker.brokers, topic, records);
    const sub = await spec.bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        seen.push(`${e.source} ${String(e.data['n'])}`);
        await e.manager.insert(SideEffect, { eventId: e.id, label: `src-${dataset}` });
      },
      { group, dataset, dataSource: db.dataSource(), chunkSize: 1 },
    );
    await eventually(() => seen.length >= 2, 'both sources');
    await produceRaw(spec.broker.brokers, topic, [{ key: 'a', value: '{"n":4}', headers: ce('keel/b') }]);
    const duplicates = async () =>
      (await spec.bus.metrics.consumed.get()).values
        .filter((v) => v.labels['group'] === group && v.labels['outcome'] === 'duplicate')
        .reduce((n, v) => n + v.value, 0);
    await eventually(async () => (await duplicates()) === 3, 'the three duplicates to be skipped');
    await sub.close();
    expect(seen).toEqual(['keel/a 1', 'keel/b 2']);
  });

  it("should keep the service's own locked writes out of a consumer's transaction when both write at once", async () => {
    const dataset = newDataset();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inHandler = false;
    const sub = await spec.bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        await e.manager.insert(SideEffect, { eventId: e.id, label: `handler-${dataset}` });
        inHandler = true;
        await gate;
        throw new PermanentEventError('rolls back the handler write');
      },
      { group: uniqueName('g'), dataset, dataSource: db.dataSource(), retry: fastRetry },
    );
    await spec.bus.publish('keel.ingest.record', { n: 1 }, { key: 'k', dataset });
    await eventually(() => inHandler, 'the handler to hold its transaction open');
    // A write by the service itself, e.g. a gRPC request, while the consumer's transaction is open.
    const outside = withDatabaseLock(db.dataSource(), () =>
      db
        .dataSource()
        .getRepository(SideEffect)
        .insert({ eventId: 'outside', label: `service-${dataset}` }),
    );
    release();
    await outside;
    await eventually(
      async () => (await topicSize(spec.broker.brokers, `keel.ingest.${dataset}.dlq`)) === 1,
      'the dead-lettered event',
    );
    await sub.close();
    const effects = db.dataSource().getRepository(SideEffect);
    expect(await effects.countBy({ label: `service-${dataset}` })).toBe(1);
    expect(await effects.countBy({ label: `handler-${dataset}` })).toBe(0);
  });
});
