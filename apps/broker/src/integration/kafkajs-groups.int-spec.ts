import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, stopAll } from './kafka-clients';

const TOPIC = 'groups-6p';
const GROUP = 'groups-g';

describe('consumer groups with kafkajs', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await stopAll(consumers);
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  const c = collector();
  const perConsumer = new Map<string, number>();

  async function startMember(name: string): Promise<Consumer> {
    const consumer = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 10_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 500,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async (p) => {
        perConsumer.set(name, (perConsumer.get(name) ?? 0) + 1);
        await c.onMessage(p);
      },
    });
    consumers.push(consumer);
    return consumer;
  }

  let produced = 0;
  async function producePhase(phase: string, n: number): Promise<void> {
    const messages = Array.from({ length: n }, (_, i) => ({ key: `key-${i}`, value: `${phase}-${i}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
    produced += n;
  }

  async function committedTotal(): Promise<number> {
    const [t] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return t.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  async function settle(members: number): Promise<void> {
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([GROUP]);
        return groups[0].state === 'Stable' && groups[0].members.length === members;
      },
      { timeoutMs: 20_000, what: `group stable with ${members} members` },
    );
  }

  async function drained(): Promise<void> {
    await waitFor(async () => c.total() >= produced && (await committedTotal()) === produced, {
      timeoutMs: 20_000,
      what: `all ${produced} messages consumed and committed`,
    });
  }

  it('should consume every message exactly once when a third member joins and one leaves', async () => {
    await startMember('a');
    await startMember('b');
    await settle(2);
    await producePhase('one', 300);
    await drained();

    await startMember('c');
    await settle(3);
    await producePhase('two', 300);
    await drained();
    expect(perConsumer.get('c') ?? 0).toBeGreaterThan(0);

    await consumers[1].disconnect();
    await settle(2);
    const before = perConsumer.get('b') ?? 0;
    await producePhase('three', 300);
    await drained();

    expect(perConsumer.get('b') ?? 0).toBe(before);
    expect(c.total()).toBe(900);
    expect(c.seen.size).toBe(900);
    expect([...c.seen.values()].every((n) => n === 1)).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(Number(/keel_broker_group_rebalances_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('should resume from committed offsets when the group restarts on a restarted broker', async () => {
    await stopAll(consumers.splice(0));
    await producePhase('four', 100);
    await broker.restart();
    const fresh = collector();
    const consumer = kafka.consumer({ groupId: GROUP, heartbeatInterval: 300, maxWaitTimeInMs: 500 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: fresh.onMessage });
    await waitFor(() => fresh.total() >= 100, { timeoutMs: 30_000, what: '100 new messages' });
    // Give a redelivery of old messages a chance to show up before asserting none came.
    await waitFor(async () => (await committedTotal()) === 1000, { timeoutMs: 20_000, what: 'commit of 1000' });
    expect(fresh.total()).toBe(100);
    expect([...fresh.seen.keys()].every((v) => v.startsWith('four-'))).toBe(true);
  });
});
