import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';
import { RawClient, request } from './raw-client';

// OffsetDelete v0 for one partition (kafkajs has no OffsetDelete): [top-level error, partition error].
async function offsetDelete(port: number, group: string, topic: string): Promise<[number, number]> {
  const str = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
  const body = Buffer.concat([
    str(group),
    Buffer.from([0, 0, 0, 1]),
    str(topic),
    Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]),
  ]);
  const c = await RawClient.connect(port);
  c.write(request(47, 0, 9, body));
  const res = (await c.response())!;
  c.end();
  const at = 4 + 2 + 4 + 4 + 2 + topic.length + 4 + 4;
  return [res.readInt16BE(4), res.length > at ? res.readInt16BE(at) : -1];
}

async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, { value: string; source: number }>> {
  const res = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  return Object.fromEntries(
    res.resources[0].configEntries.map((e) => [e.configName, { value: e.configValue, source: e.configSource }]),
  );
}

describe('admin APIs with kafkajs', () => {
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

  it('should apply the configs given to createTopics, refuse unsupported ones, and keep them across a restart', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'cfg-topic',
          numPartitions: 1,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'max.message.bytes', value: '2048' },
          ],
        },
      ],
    });
    let configs = await topicConfigs(admin, 'cfg-topic');
    expect(configs['retention.ms']).toEqual({ value: '3600000', source: 1 }); // DYNAMIC_TOPIC_CONFIG
    expect(configs['max.message.bytes']).toEqual({ value: '2048', source: 1 });
    expect(configs['segment.bytes']).toEqual({ value: '67108864', source: 5 }); // DEFAULT_CONFIG
    expect(configs['cleanup.policy'].value).toBe('delete');

    // The limit is enforced, not just stored.
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(producer.send({ topic: 'cfg-topic', messages: [{ value: Buffer.alloc(4096, 1) }] })).rejects.toThrow(
      /too large|larger/i,
    );
    await producer.send({ topic: 'cfg-topic', messages: [{ value: 'small' }] });
    await producer.disconnect();

    await expect(
      admin.createTopics({
        topics: [{ topic: 'cfg-bad', configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    expect(await admin.listTopics()).not.toContain('cfg-bad');

    await broker.restart();
    configs = await topicConfigs(admin, 'cfg-topic');
    expect(configs['retention.ms']).toEqual({ value: '3600000', source: 1 });
  });

  it('should replace overrides with alterConfigs and report broker configs read-only', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'cfg-topic',
          configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }],
        },
      ],
    });
    const configs = await topicConfigs(admin, 'cfg-topic');
    expect(configs['cleanup.policy']).toEqual({ value: 'compact,delete', source: 1 });
    expect(configs['retention.ms'].source).toBe(5); // AlterConfigs replaces the whole set
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'cfg-topic',
            configEntries: [{ name: 'retention.ms', value: 'soon' }],
          },
        ],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' }); // kafkajs drops the message; kcat tests read it

    const brokerRes = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
      includeSynonyms: false,
    });
    const entries = brokerRes.resources[0].configEntries;
    expect(entries.find((e) => e.configName === 'log.retention.ms')).toMatchObject({
      configValue: String(7 * 24 * 3600 * 1000),
      readOnly: true,
    });
  });

  it('should add partitions and refuse to shrink a topic', async () => {
    await admin.createTopics({ topics: [{ topic: 'cfg-grow', numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'cfg-grow', count: 3 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['cfg-grow'] });
    expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cfg-grow', messages: [{ partition: 2, value: 'on-new-partition' }] });
    await producer.disconnect();
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'cfg-grow', count: 2 }] })).rejects.toMatchObject({
      type: 'INVALID_PARTITIONS',
    });
  });

  it('should move the log start offset with deleteTopicRecords so consumers start there', async () => {
    await admin.createTopics({ topics: [{ topic: 'cfg-trim', numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cfg-trim', messages: Array.from({ length: 10 }, (_, i) => ({ value: `t${i}` })) });
    await producer.disconnect();
    await admin.fetchTopicMetadata({ topics: ['cfg-trim'] }); // kafkajs finds the leader in its cache only
    await admin.deleteTopicRecords({ topic: 'cfg-trim', partitions: [{ partition: 0, offset: '6' }] });
    const [p] = await admin.fetchTopicOffsets('cfg-trim');
    expect(p).toMatchObject({ low: '6', high: '10' });
    const consumer = kafka.consumer({ groupId: 'cfg-trim-g', maxWaitTimeInMs: 200 });
    const got = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'cfg-trim', fromBeginning: true });
    await consumer.run({ eachMessage: got.onMessage });
    await waitForCount(got, 4);
    await consumer.disconnect();
    expect(got.byPartition.get(0)).toEqual(['t6', 't7', 't8', 't9']);
  });

  it('should delete an empty group with its offsets and refuse one with members', async () => {
    await admin.createTopics({ topics: [{ topic: 'cfg-groups', numPartitions: 1 }] });
    await admin.setOffsets({ groupId: 'cfg-idle', topic: 'cfg-groups', partitions: [{ partition: 0, offset: '0' }] });
    const consumer = kafka.consumer({ groupId: 'cfg-busy', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'cfg-groups', fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor(async () => (await admin.describeGroups(['cfg-busy'])).groups[0].state === 'Stable', {
      what: 'cfg-busy stable',
    });
    await expect(admin.deleteGroups(['cfg-idle', 'cfg-busy'])).rejects.toMatchObject({
      groups: expect.arrayContaining([
        expect.objectContaining({ groupId: 'cfg-busy', errorCode: 68 }), // NON_EMPTY_GROUP
      ]),
    });
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('cfg-idle');
    // A live member subscribes to the topic: its offsets cannot be deleted (GROUP_SUBSCRIBED_TO_TOPIC).
    expect(await offsetDelete(broker.port, 'cfg-busy', 'cfg-groups')).toEqual([0, 86]);
    expect(await offsetDelete(broker.port, 'cfg-nobody', 'cfg-groups')).toEqual([69, -1]); // GROUP_ID_NOT_FOUND
    const [offsets] = await admin.fetchOffsets({ groupId: 'cfg-idle', topics: ['cfg-groups'] });
    expect(offsets.partitions[0].offset).toBe('-1');
    await consumer.disconnect();
    await waitFor(async () => (await admin.deleteGroups(['cfg-busy']))[0].errorCode === 0, { what: 'deletion' });
  });

  it('should let age retention reach a quiet topic once segment.ms rolls its active segment', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'cfg-quiet',
          numPartitions: 1,
          configEntries: [
            { name: 'segment.ms', value: '300' },
            { name: 'retention.ms', value: '1000' },
          ],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cfg-quiet', messages: [{ value: 'old-1' }, { value: 'old-2' }] });
    await producer.disconnect();
    // No further produce: only the time-based roll lets retention delete these records.
    await waitFor(async () => (await admin.fetchTopicOffsets('cfg-quiet'))[0].low === '2', {
      timeoutMs: 15_000,
      what: 'quiet segment rolled and deleted',
    });
  });
});
