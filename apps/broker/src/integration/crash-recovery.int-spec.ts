import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

const TOPIC = 'crash-topic';
const PARTITIONS = 3;

describe('broker crash recovery', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker();
    kafka = kafkaFor(broker.brokers);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('should keep every acknowledged record in order and the committed offsets when killed with -9 mid-produce', async () => {
    // A group commits part of the stream before the crash.
    const early = kafka.producer();
    await early.connect();
    await early.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % PARTITIONS, value: `pre-${i}` })),
    });
    await early.disconnect();
    const groupConsumer = kafka.consumer({ groupId: 'crash-g', maxWaitTimeInMs: 200 });
    const pre = collector();
    await groupConsumer.connect();
    await groupConsumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await groupConsumer.run({ eachMessage: pre.onMessage });
    await waitForCount(pre, 30);
    await waitFor(async () => {
      const [t] = await admin.fetchOffsets({ groupId: 'crash-g', topics: [TOPIC] });
      return t.partitions.every((p) => Number(p.offset) === 10);
    });
    await groupConsumer.disconnect();

    // Producers without retries: a send either is acknowledged or fails, nothing in between.
    const acked = new Map<number, string[]>();
    const producer = kafkaFor(broker.brokers, 'crash-producer').producer({ retry: { retries: 0 } });
    await producer.connect();
    let stop = false;
    let seq = 0;
    const loop = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 20 }, () => {
          const n = seq++;
          return { partition: n % PARTITIONS, value: `rec-${n}` };
        });
        try {
          await producer.send({ topic: TOPIC, acks: -1, messages: batch });
        } catch {
          return; // the broker died under this request: not acknowledged
        }
        for (const m of batch) {
          const list = acked.get(m.partition) ?? [];
          list.push(m.value);
          acked.set(m.partition, list);
        }
      }
    })();
    await waitFor(() => [...acked.values()].reduce((n, l) => n + l.length, 0) >= 3000, { timeoutMs: 20_000 });
    await broker.kill();
    stop = true;
    await loop;
    await producer.disconnect().catch(() => undefined);
    const ackedTotal = [...acked.values()].reduce((n, l) => n + l.length, 0);
    expect(ackedTotal).toBeGreaterThanOrEqual(3000);

    await broker.restart();

    // Every acknowledged record is present, in the order it was acknowledged, per partition.
    const reader = kafkaFor(broker.brokers).consumer({ groupId: 'crash-verify', maxWaitTimeInMs: 200 });
    const stored = collector();
    await reader.connect();
    await reader.subscribe({ topic: TOPIC, fromBeginning: true });
    await reader.run({ eachMessage: stored.onMessage });
    await waitForCount(stored, ackedTotal + 30, 30_000);
    await reader.disconnect();
    for (const [partition, values] of acked) {
      const onDisk = (stored.byPartition.get(partition) ?? []).filter((v) => v.startsWith('rec-'));
      expect(onDisk.slice(0, values.length)).toEqual(values);
    }

    // The group resumes from the offsets it committed before the crash.
    const [t] = await admin.fetchOffsets({ groupId: 'crash-g', topics: [TOPIC] });
    expect(t.partitions.map((p) => Number(p.offset))).toEqual([10, 10, 10]);
    const resumed = kafkaFor(broker.brokers).consumer({ groupId: 'crash-g', maxWaitTimeInMs: 200 });
    const after = collector();
    await resumed.connect();
    await resumed.subscribe({ topic: TOPIC, fromBeginning: true });
    await resumed.run({ eachMessage: after.onMessage });
    await waitForCount(after, ackedTotal, 30_000);
    await resumed.disconnect();
    expect([...after.seen.keys()].some((v) => v.startsWith('pre-'))).toBe(false);
  });

  it('should truncate a torn tail and keep serving when a segment ends in a half-written batch', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'crash-torn',
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `t${i}` })),
    });
    await producer.disconnect();
    await broker.kill();
    const segment = path.join(broker.dataDir, 'logs', 'crash-torn-0', '00000000000000000000.log');
    const whole = fs.readFileSync(segment);
    // A batch header that promises 500 bytes, followed by only 40: what a crash mid-write leaves.
    const torn = Buffer.alloc(52);
    torn.writeInt32BE(500, 8);
    fs.appendFileSync(segment, torn);
    await broker.restart();
    expect(fs.statSync(segment).size).toBe(whole.length);
    expect(broker.output()).toContain('recovery truncated a torn tail');
    const [p] = await admin.fetchTopicOffsets('crash-torn');
    expect(p.high).toBe('10');
    const again = kafka.producer();
    await again.connect();
    const [res] = await again.send({ topic: 'crash-torn', acks: -1, messages: [{ value: 'after' }] });
    await again.disconnect();
    expect(res.baseOffset).toBe('10');
  });
});
