import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';
import { runTool } from './run-tool';

interface Stored {
  offset: number;
  key: string;
  value: string | null;
}

// cleanup.policy=compact, with segments that roll after 200 ms so quiet data gets sealed, and a
// compaction pass after every roll.
const COMPACTED = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: '200' },
  { name: 'min.cleanable.dirty.ratio', value: '0' },
];

describe('log compaction', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker({ env: { KEEL_BROKER_RETENTION_CHECK_MS: '100' } });
    kafka = kafkaFor(broker.brokers);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  // Everything stored in partition 0, read with kcat (%S is -1 for a null value).
  async function stored(topic: string): Promise<Stored[]> {
    const res = await runTool('kcat', [
      '-C',
      '-b',
      broker.brokers[0],
      '-t',
      topic,
      '-p',
      '0',
      '-e',
      '-q',
      '-f',
      '%o|%k|%S|%s\\n',
    ]);
    return res.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [offset, key, size, ...value] = line.split('|');
        return { offset: Number(offset), key, value: size === '-1' ? null : value.join('|') };
      });
  }

  it('should keep the latest record per key and remove tombstones after delete.retention.ms with kafkajs', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'compact-js',
          numPartitions: 1,
          configEntries: [...COMPACTED, { name: 'delete.retention.ms', value: '3000' }],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    for (let round = 0; round < 4; round++) {
      const messages = Array.from({ length: 10 }, (_, k) => ({ key: `k${k}`, value: `r${round}-k${k}` }));
      const compression = round % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None;
      await producer.send({ topic: 'compact-js', acks: -1, compression, messages });
    }
    await producer.send({ topic: 'compact-js', acks: -1, messages: [{ key: 'k3', value: null }] }); // offset 40
    await expect(producer.send({ topic: 'compact-js', acks: -1, messages: [{ value: 'keyless' }] })).rejects.toThrow(
      /invalid|record/i,
    ); // INVALID_RECORD: a compacted topic needs keys
    await producer.disconnect();

    const latest = (k: number): Stored => ({ offset: 30 + k, key: `k${k}`, value: `r3-k${k}` });
    const compacted = [0, 1, 2, 4, 5, 6, 7, 8, 9].map(latest);
    await waitFor(
      async () =>
        JSON.stringify(await stored('compact-js')) ===
        JSON.stringify([...compacted, { offset: 40, key: 'k3', value: null }]),
      { timeoutMs: 20_000, what: 'latest record per key, tombstone still there' },
    );
    // With delete.retention.ms shortened, the next pass removes the tombstone as well.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: 2, name: 'compact-js', configEntries: [...COMPACTED, { name: 'delete.retention.ms', value: '0' }] },
      ],
    });
    await waitFor(async () => JSON.stringify(await stored('compact-js')) === JSON.stringify(compacted), {
      timeoutMs: 20_000,
      what: 'tombstone removed after delete.retention.ms',
    });
    const [p] = await admin.fetchTopicOffsets('compact-js');
    expect(p.high).toBe('41'); // offsets never move
    // A kafkajs consumer reads the compacted log and moves past its emptied tail to new records.
    const consumer = kafka.consumer({ groupId: 'compact-js-g', maxWaitTimeInMs: 200 });
    const got = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'compact-js', fromBeginning: true });
    await consumer.run({ eachMessage: got.onMessage });
    await waitForCount(got, 9);
    const late = kafka.producer();
    await late.connect();
    await late.send({ topic: 'compact-js', acks: -1, messages: [{ key: 'k0', value: 'after-compaction' }] });
    await late.disconnect();
    await waitForCount(got, 10);
    await consumer.disconnect();
    expect(got.byPartition.get(0)).toEqual([...compacted.map((r) => r.value), 'after-compaction']);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(Number(/keel_broker_compacted_bytes_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('should compact batches that librdkafka compressed with snappy, lz4 and zstd', async () => {
    for (const codec of ['snappy', 'lz4', 'zstd']) {
      const topic = `compact-${codec}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: COMPACTED }] });
      for (let round = 0; round < 3; round++) {
        const lines = Array.from({ length: 50 }, (_, k) => `key${k}:${codec}-${round}-${k}-${'z'.repeat(80)}`);
        const res = await runTool(
          'kcat',
          ['-P', '-b', broker.brokers[0], '-t', topic, '-p', '0', '-K', ':', '-z', codec],
          {
            input: `${lines.join('\n')}\n`,
          },
        );
        expect(res.code).toBe(0);
      }
      const expected = Array.from({ length: 50 }, (_, k) => ({
        offset: 100 + k,
        key: `key${k}`,
        value: `${codec}-2-${k}-${'z'.repeat(80)}`,
      }));
      await waitFor(async () => JSON.stringify(await stored(topic)) === JSON.stringify(expected), {
        timeoutMs: 20_000,
        what: `${codec} topic compacted`,
      });
    }
  });
});
