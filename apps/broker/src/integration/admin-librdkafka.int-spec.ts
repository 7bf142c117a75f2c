import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import { startBroker, type TestBroker } from '@keel/testing';
import { kafkaFor } from './kafka-clients';
import { RawClient, request } from './raw-client';
import { runTool } from './run-tool';

// librdkafka's AdminClient, a second client library: Debian's python3-confluent-kafka (run with
// /usr/bin/python3) and, for what its 1.7 binding leaves out, the librdkafka C API through ctypes.
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'librdkafka_admin.py');

interface Described {
  value: string;
  source: number;
  read_only: boolean;
}

async function python<T>(...args: string[]): Promise<T> {
  const res = await runTool(PYTHON, [SCRIPT, ...args], { timeoutMs: 60_000 });
  if (res.code !== 0) throw new Error(`librdkafka_admin.py ${args[0]} failed:\n${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}

function incrementalAlter(topic: string, ops: [string, number, string | null][]): Buffer {
  const parts: Buffer[] = [];
  const str = (s: string): Buffer => Buffer.concat([Buffer.from([s.length >> 8, s.length & 255]), Buffer.from(s)]);
  const int32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
  parts.push(int32(1), Buffer.from([2]), str(topic), int32(ops.length)); // one TOPIC resource
  for (const [name, op, value] of ops)
    parts.push(str(name), Buffer.from([op]), value === null ? Buffer.from([255, 255]) : str(value));
  parts.push(Buffer.from([0])); // validateOnly false
  return Buffer.concat(parts);
}

describe('admin APIs with librdkafka', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker();
    admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('should create, describe and alter topic configs and add partitions through the Python AdminClient', async () => {
    const out = await python<{
      unsupported: string;
      created: Record<string, Described>;
      broker: Record<string, Described>;
      altered: Record<string, Described>;
      bad_alter: string;
      broker_alter: string;
      shrink: string;
      partitions: number;
    }>('configs', broker.brokers[0]);
    expect(out.unsupported).toMatch(/INVALID_CONFIG.*unsupported topic config "min.insync.replicas"/);
    expect(out.created['retention.ms']).toEqual({ value: '60000', source: 1, read_only: false });
    expect(out.created['cleanup.policy']).toEqual({ value: 'compact', source: 1, read_only: false });
    expect(out.created['segment.bytes']).toMatchObject({ value: '67108864', source: 5 });
    expect(out.broker['log.retention.ms']).toEqual({ value: '604800000', source: 4, read_only: true });
    // AlterConfigs replaces the set: cleanup.policy falls back to the default.
    expect(out.altered['retention.ms']).toMatchObject({ value: '120000', source: 1 });
    expect(out.altered['segment.ms']).toMatchObject({ value: '3600000', source: 1 });
    expect(out.altered['cleanup.policy']).toMatchObject({ value: 'delete', source: 5 });
    expect(out.bad_alter).toMatch(
      /INVALID_CONFIG.*segment.bytes="3000000000": must be an integer in \[1024, 2147483647\]/,
    );
    expect(out.broker_alter).toMatch(/INVALID_REQUEST.*broker configs are static/);
    expect(out.shrink).toMatch(/INVALID_PARTITIONS.*has 3 partitions/);
    expect(out.partitions).toBe(3);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    // What librdkafka 2.0.2 negotiates for these APIs (docs/broker.md lists it).
    for (const line of ['CreateTopics",version="4', 'DescribeConfigs",version="1', 'AlterConfigs",version="0']) {
      expect(metrics).toContain(`keel_broker_requests_total{api="${line}"}`);
    }
  });

  it('should delete records, a group’s offsets and the group through the librdkafka C API', async () => {
    await admin.createTopics({ topics: [{ topic: 'lib-records', numPartitions: 1 }] });
    const producer = kafkaFor(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'lib-records', messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${i}` })) });
    await producer.disconnect();
    await admin.setOffsets({ groupId: 'lib-g', topic: 'lib-records', partitions: [{ partition: 0, offset: '5' }] });

    const out = await python<{
      delete_records: { partition: number; offset: number; error: string }[];
      offset_delete: { partition: number; error: string }[];
      delete_groups: (string | null)[];
    }>('records', broker.brokers[0], 'lib-records', 'lib-g');
    expect(out.delete_records).toEqual([{ partition: 0, offset: 3, error: 'NO_ERROR' }]);
    expect(out.offset_delete).toEqual([expect.objectContaining({ partition: 0, error: 'NO_ERROR' })]);
    expect(out.delete_groups).toEqual([null, expect.stringMatching(/group id does not exist/)]);
    expect((await admin.fetchTopicOffsets('lib-records'))[0]).toMatchObject({ low: '3', high: '10' });
    const [offsets] = await admin.fetchOffsets({ groupId: 'lib-g', topics: ['lib-records'] });
    expect(offsets.partitions[0].offset).toBe('-1');
  });

  it('should apply IncrementalAlterConfigs operations and name the offending config', async () => {
    // Neither kafkajs 2.2.4 nor librdkafka 2.0.2 implements IncrementalAlterConfigs: raw v0 requests.
    await admin.createTopics({
      topics: [{ topic: 'lib-incr', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });
    const c = await RawClient.connect(broker.port);
    const send = async (ops: [string, number, string | null][]): Promise<[number, string | null]> => {
      c.write(request(44, 0, 1, incrementalAlter('lib-incr', ops)));
      const res = (await c.response())!;
      const code = res.readInt16BE(4 + 4 + 4);
      const len = res.readInt16BE(4 + 4 + 4 + 2);
      return [code, len < 0 ? null : res.toString('utf8', 4 + 4 + 4 + 4, 4 + 4 + 4 + 4 + len)];
    };
    expect(
      await send([
        ['segment.ms', 0, '5000'],
        ['cleanup.policy', 2, 'compact'],
      ]),
    ).toEqual([0, null]);
    expect(await send([['retention.ms', 1, null]])).toEqual([0, null]);
    const [code, message] = await send([['retention.ms', 2, '5']]);
    expect(code).toBe(40);
    expect(message).toMatch(/retention.ms is not a list/);
    c.end();
    const res = await admin.describeConfigs({ resources: [{ type: 2, name: 'lib-incr' }], includeSynonyms: false });
    const byName = Object.fromEntries(res.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    expect(byName).toMatchObject({
      'segment.ms': '5000',
      'cleanup.policy': 'delete,compact',
      'retention.ms': '604800000',
    });
  });
});
