import type { Admin } from 'kafkajs';
import { startBroker, type TestBroker } from '@keel/testing';
import { kafkaFor } from './kafka-clients';
import { runTool } from './run-tool';

// Debian's python3 (not the pyenv one on PATH) with python3-kafka.
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer
bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if count > 0:
    p = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5)
    for i in range(count):
        p.send(topic, key=str(i % 5).encode(), value=('py-%d' % i).encode())
    p.flush()
    p.close()
c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                  enable_auto_commit=False, consumer_timeout_ms=4000)
values = []
for m in c:
    values.append(m.value.decode())
    if count > 0 and len(values) == count:
        break
c.commit()
c.close()
print(json.dumps(values))
`;

describe('broker with kafka-python', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker();
    admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'py-topic', numPartitions: 2 }] });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('should produce and consume through a group when kafka-python is the client', async () => {
    const first = await runTool(PYTHON, ['-c', SCRIPT, broker.brokers[0], 'py-topic', 'py-group', '200'], {
      timeoutMs: 45_000,
    });
    expect(first.stderr).not.toMatch(/Traceback/);
    const values = JSON.parse(first.stdout) as string[];
    expect(values.length).toBe(200);
    expect(new Set(values)).toEqual(new Set(Array.from({ length: 200 }, (_, i) => `py-${i}`)));
    const [offsets] = await admin.fetchOffsets({ groupId: 'py-group', topics: ['py-topic'] });
    expect(offsets.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)).toBe(200);

    // The same group again reads only what arrived since, because it resumes from its commits.
    const producer = kafkaFor(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'py-topic', messages: Array.from({ length: 10 }, (_, i) => ({ value: `js-${i}` })) });
    await producer.disconnect();
    const again = await runTool(PYTHON, ['-c', SCRIPT, broker.brokers[0], 'py-topic', 'py-group', '0'], {
      timeoutMs: 45_000,
    });
    expect((JSON.parse(again.stdout) as string[]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `js-${i}`));
  });
});
