import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import { startBroker, waitFor, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

const PYTHON = '/usr/bin/python3';
const MEMBER = path.join(__dirname, 'librdkafka_member.py');

// A librdkafka group member in its own process, so it can be killed without leaving the group.
class Member {
  readonly assignments: number[][] = [];
  readonly revocations: number[][] = [];
  readonly values: string[] = [];
  private readonly child: ChildProcess;
  private stderr = '';

  constructor(bootstrap: string, topic: string, group: string, instance: string) {
    this.child = spawn(PYTHON, [MEMBER, bootstrap, topic, group, instance], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line) as { assigned?: number[]; revoked?: number[]; value?: string };
        if (event.assigned) this.assignments.push(event.assigned);
        if (event.revoked) this.revocations.push(event.revoked);
        if (event.value !== undefined) this.values.push(event.value);
      }
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  get current(): number[] {
    return this.assignments.at(-1) ?? [];
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

async function rebalances(broker: TestBroker): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
  return Number(/keel_broker_group_rebalances_total (\d+)/.exec(text)?.[1]);
}

describe('consumer groups across restarts', () => {
  let broker: TestBroker;
  let admin: Admin;
  const members: Member[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.kill()));
    await admin?.disconnect();
    await broker?.stop();
  });

  async function stableWith(group: string, n: number): Promise<void> {
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([group]);
        return groups[0].state === 'Stable' && groups[0].members.length === n;
      },
      { timeoutMs: 30_000, what: `${group} stable with ${n} members` },
    );
  }

  it('should give a restarted static member (group.instance.id) its partitions back without a rebalance', async () => {
    await admin.createTopics({ topics: [{ topic: 'static-4p', numPartitions: 4 }] });
    const a = new Member(broker.brokers[0], 'static-4p', 'static-g', 'instance-a');
    const b = new Member(broker.brokers[0], 'static-4p', 'static-g', 'instance-b');
    members.push(a, b);
    await stableWith('static-g', 2);
    await waitFor(() => a.current.length + b.current.length === 4, { timeoutMs: 20_000, what: 'assignments' });
    const before = await rebalances(broker);
    const aPartitions = a.current;
    const bAssignments = b.assignments.length;

    await a.kill(); // a crash: librdkafka static members never send LeaveGroup anyway
    const a2 = new Member(broker.brokers[0], 'static-4p', 'static-g', 'instance-a');
    members.push(a2);
    await waitFor(() => a2.assignments.length > 0, { timeoutMs: 20_000, what: 'restarted member assigned' });
    expect(a2.current).toEqual(aPartitions);
    expect(await rebalances(broker)).toBe(before);
    expect(b.assignments.length).toBe(bAssignments);
    expect(b.revocations).toEqual([]);

    // A broker restart keeps the group: both keep their partitions, nobody is revoked.
    await broker.kill();
    await broker.restart();
    const producer = kafkaFor(broker.brokers).producer();
    await producer.connect();
    await producer.send({
      topic: 'static-4p',
      messages: Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `after-restart-${i}` })),
    });
    await producer.disconnect();
    await waitFor(() => a2.values.length + b.values.length >= 40, { timeoutMs: 30_000, what: '40 records consumed' });
    expect(await rebalances(broker)).toBe(0);
    expect(a2.current).toEqual(aPartitions);
    expect(b.revocations).toEqual([]);
    await stableWith('static-g', 2);
  });

  it('should resume a running kafkajs group from its committed offsets when the broker is killed and restarted', async () => {
    await admin.createTopics({ topics: [{ topic: 'restart-3p', numPartitions: 3 }] });
    const kafka = kafkaFor(broker.brokers);
    const producer = kafka.producer();
    await producer.connect();
    const send = (phase: string): Promise<unknown> =>
      producer.send({
        topic: 'restart-3p',
        acks: -1,
        messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % 3, value: `${phase}-${i}` })),
      });
    await send('before');
    const got = collector();
    const consumer = kafka.consumer({ groupId: 'restart-g', heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'restart-3p', fromBeginning: true });
    await consumer.run({ eachMessage: got.onMessage });
    await waitForCount(got, 60);
    await waitFor(
      async () => {
        const [t] = await admin.fetchOffsets({ groupId: 'restart-g', topics: ['restart-3p'] });
        return t.partitions.every((p) => p.offset === '20');
      },
      { what: 'offsets committed' },
    );
    await producer.disconnect();

    await broker.kill();
    await broker.restart();
    const again = kafka.producer();
    await again.connect();
    await again.send({
      topic: 'restart-3p',
      acks: -1,
      messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % 3, value: `after-${i}` })),
    });
    await again.disconnect();
    // The same running consumer rejoins and goes on from its commits: every new record arrives, and
    // nothing committed before the crash is read again (delivery stays at least once for the rest).
    await waitFor(() => Array.from({ length: 60 }, (_, i) => `after-${i}`).every((v) => got.seen.has(v)), {
      timeoutMs: 45_000,
      what: 'every record produced after the restart',
    });
    await consumer.disconnect();
    expect([...got.seen].filter(([v, n]) => v.startsWith('before-') && n > 1)).toEqual([]);
  });
});
