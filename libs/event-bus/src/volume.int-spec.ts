import { describeEachDatabase } from '@keel/persistence/testing';
import { startBroker, type TestBroker } from '@keel/testing';
import { EventBus } from './event-bus';
import { eventually, uniqueName } from './testing/kafka-test-kit';
import { specSchema } from './testing/spec-entities';
import type { ConsumedEvent, Subscription } from './types';

const N = 100_000;

let broker: TestBroker;
let bus: EventBus;

beforeAll(async () => {
  broker = await startBroker();
  bus = new EventBus({
    clientId: 'volume',
    brokers: broker.brokers,
    source: 'keel/spec',
    topicPartitions: 3,
    provisionTopics: false,
  });
  await bus.connect();
});

afterAll(async () => {
  await bus?.close();
  await broker?.stop();
});

describeEachDatabase('100,000 events with dedupe', specSchema, (db) => {
  it('should lose none and repeat no side effect when 100,000 events flow through publish and a restarted consumer', async () => {
    const dataset = uniqueName('v').replace(/-/g, '_');
    const group = uniqueName('g');
    const handledTimes = new Map<number, number>();
    const handler = async (e: ConsumedEvent<'keel.ingest.record'>) => {
      const n = e.data['n'] as number;
      handledTimes.set(n, (handledTimes.get(n) ?? 0) + 1);
    };
    let sub: Subscription = await bus.subscribe('keel.ingest.record', handler, {
      group,
      dataset,
      dataSource: db.dataSource(),
    });
    for (let sent = 0; sent < N; sent += 5000) {
      const window: Promise<void>[] = [];
      for (let n = sent; n < sent + 5000; n++)
        window.push(bus.publish('keel.ingest.record', { n }, { key: `e-${n % 997}`, dataset }));
      await Promise.all(window);
      // Halfway, the consumer is restarted: it must commit what it handled and resume after it.
      if (sent === N / 2) {
        await eventually(() => handledTimes.size > 0, 'the first events');
        await sub.close();
        sub = await bus.subscribe('keel.ingest.record', handler, { group, dataset, dataSource: db.dataSource() });
      }
    }
    await eventually(() => handledTimes.size === N, `all ${N} events`, 150_000);
    await sub.close();
    expect([...handledTimes.values()].every((times) => times === 1)).toBe(true);
    const [{ n }] = (await db
      .dataSource()
      .query(`SELECT COUNT(*) AS n FROM keel_processed_events WHERE consumer_group = '${group}'`)) as { n: string }[];
    expect(Number(n)).toBe(N);
  }, 240_000);
});
