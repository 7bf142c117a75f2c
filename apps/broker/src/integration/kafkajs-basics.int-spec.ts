import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

describe('broker with kafkajs', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startBroker();
    admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  it('should create a topic with 3 partitions when admin.createTopics is called', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'basics-3p', numPartitions: 3 }] })).toBe(true);
    const meta = await admin.fetchTopicMetadata({ topics: ['basics-3p'] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(await admin.createTopics({ topics: [{ topic: 'basics-3p', numPartitions: 3 }] })).toBe(false);
  });

  it('should deliver every record in order per partition when produced with acks -1 and gzip', async () => {
    await admin.createTopics({ topics: [{ topic: 'basics-gzip', numPartitions: 3 }] });
    const kafka = kafkaFor(broker.brokers);
    producer = kafka.producer();
    await producer.connect();
    const sent: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `m-${batch * 50 + i}` }));
      sent.push(...messages.map((m) => m.value));
      const compression = batch % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None;
      const res = await producer.send({ topic: 'basics-gzip', acks: -1, compression, messages });
      expect(res.every((r) => r.errorCode === 0)).toBe(true);
    }
    const consumer = kafka.consumer({ groupId: 'basics-g', maxWaitTimeInMs: 500 });
    const c = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'basics-gzip', fromBeginning: true });
    await consumer.run({ eachMessage: c.onMessage });
    await waitForCount(c, sent.length);
    await consumer.disconnect();
    expect([...c.seen.keys()].sort()).toEqual([...sent].sort());
    expect([...c.seen.values()].every((n) => n === 1)).toBe(true);
    // Within a partition, records arrive in the order they were produced.
    for (const values of c.byPartition.values()) {
      const idx = values.map((v) => sent.indexOf(v));
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
    }
  });

  it('should store each record once when an idempotent producer sends', async () => {
    const kafka = kafkaFor(broker.brokers);
    const idem = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idem.connect();
    for (let i = 0; i < 20; i++) {
      await idem.send({ topic: 'basics-idem', acks: -1, messages: [{ value: `i-${i}` }, { value: `j-${i}` }] });
    }
    await idem.disconnect();
    const offsets = await admin.fetchTopicOffsets('basics-idem');
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(40);
  });

  it('should report the earliest and latest offsets when a partition holds records', async () => {
    await admin.createTopics({ topics: [{ topic: 'basics-offsets', numPartitions: 1 }] });
    const p = kafkaFor(broker.brokers).producer();
    await p.connect();
    await p.send({ topic: 'basics-offsets', messages: Array.from({ length: 5 }, (_, i) => ({ value: `o${i}` })) });
    await p.disconnect();
    const offsets = await admin.fetchTopicOffsets('basics-offsets');
    expect(offsets[0]).toMatchObject({ partition: 0, low: '0', high: '5' });
  });

  it('should store records sent with acks 0 and keep answering later requests on that connection', async () => {
    await admin.createTopics({ topics: [{ topic: 'basics-acks0', numPartitions: 1 }] });
    const p = kafkaFor(broker.brokers).producer();
    await p.connect();
    for (let i = 0; i < 5; i++) await p.send({ topic: 'basics-acks0', acks: 0, messages: [{ value: `a0-${i}` }] });
    const res = await p.send({ topic: 'basics-acks0', acks: 1, messages: [{ value: 'a1' }] });
    expect(res[0]).toMatchObject({ errorCode: 0, baseOffset: '5' });
    await p.disconnect();
  });

  it('should start an empty group from offsets set by the admin when a consumer joins', async () => {
    await admin.createTopics({ topics: [{ topic: 'basics-seek', numPartitions: 1 }] });
    const p = kafkaFor(broker.brokers).producer();
    await p.connect();
    await p.send({ topic: 'basics-seek', messages: Array.from({ length: 10 }, (_, i) => ({ value: `s${i}` })) });
    await p.disconnect();
    await admin.setOffsets({
      groupId: 'basics-seek-g',
      topic: 'basics-seek',
      partitions: [{ partition: 0, offset: '7' }],
    });
    const consumer = kafkaFor(broker.brokers).consumer({ groupId: 'basics-seek-g', maxWaitTimeInMs: 300 });
    const c = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'basics-seek', fromBeginning: true });
    await consumer.run({ eachMessage: c.onMessage });
    await waitForCount(c, 3);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain('basics-seek-g');
    await consumer.disconnect();
    expect([...c.seen.keys()]).toEqual(['s7', 's8', 's9']);
  });

  it('should forget a topic and its data when admin.deleteTopics is called', async () => {
    await admin.createTopics({ topics: [{ topic: 'basics-doomed', numPartitions: 2 }] });
    await admin.deleteTopics({ topics: ['basics-doomed'] });
    expect(await admin.listTopics()).not.toContain('basics-doomed');
    await expect(admin.deleteTopics({ topics: ['basics-doomed'] })).rejects.toThrow(/does not host|unknown/i);
  });

  it('should serve /metrics with request counts and log size when scraped', async () => {
    const text = await waitFor(async () => {
      const body = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      return body.includes('keel_broker_requests_total{api="Produce"') ? body : null;
    });
    expect(text).toMatch(/keel_broker_log_size_bytes [1-9]\d*/);
    expect(text).toMatch(/keel_broker_partitions [1-9]/);
    expect(text).toMatch(/keel_broker_bytes_in_total [1-9]/);
  });
});
