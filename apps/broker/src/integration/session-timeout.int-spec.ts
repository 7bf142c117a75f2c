import { spawn, type ChildProcess } from 'node:child_process';
import { startBroker, waitFor, WORKSPACE_ROOT, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

const TOPIC = 'session-4p';
const GROUP = 'session-g';

// A group member in its own process, so it can die without a LeaveGroup.
const MEMBER = `
const { Kafka, logLevel } = require('kafkajs');
const kafka = new Kafka({ brokers: [process.argv[1]], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: '${GROUP}', sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 300 });
consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
consumer.connect().then(() => consumer.subscribe({ topic: '${TOPIC}', fromBeginning: true })).then(() => consumer.run({ eachMessage: async () => {} }));
`;

describe('group session timeout', () => {
  let broker: TestBroker;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await broker?.stop();
  });

  it('should hand a dead member’s partitions to the survivor when its session times out', async () => {
    const kafka = kafkaFor(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }] });
    const survivor = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: 6000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 300,
    });
    const got = collector();
    await survivor.connect();
    await survivor.subscribe({ topic: TOPIC, fromBeginning: true });
    await survivor.run({ eachMessage: got.onMessage });

    let out = '';
    const member = spawn(process.execPath, ['-e', MEMBER, broker.brokers[0]], { cwd: WORKSPACE_ROOT });
    child = member;
    member.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([GROUP]);
        return out.includes('joined') && groups[0].state === 'Stable' && groups[0].members.length === 2;
      },
      { timeoutMs: 20_000, what: 'two members' },
    );

    member.kill('SIGKILL'); // no LeaveGroup: only the session timeout can notice
    const died = Date.now();
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([GROUP]);
        return groups[0].state === 'Stable' && groups[0].members.length === 1;
      },
      { timeoutMs: 20_000, what: 'the dead member removed' },
    );
    expect(Date.now() - died).toBeGreaterThanOrEqual(4000);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `after-${i}` })),
    });
    await producer.disconnect();
    await waitForCount(got, 40);
    expect(new Set(got.byPartition.keys())).toEqual(new Set([0, 1, 2, 3]));
    await survivor.disconnect();
    await admin.disconnect();
  });
});
