import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, startBroker, waitFor, WORKSPACE_ROOT } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

const TOPIC = 'full-disk';

// The broker under a real file-size limit (`ulimit -f`): a segment that reaches it gets a short
// write and then EFBIG, exactly what a full disk does to a write.
async function startLimited(
  dataDir: string,
  limitKiB: number,
): Promise<{ child: ChildProcess; port: number; httpPort: number }> {
  const port = await freePort();
  const httpPort = await freePort();
  const args = [
    '-c',
    `ulimit -f ${limitKiB * 2} && exec "$@"`, // 512-byte blocks in POSIX sh
    'sh',
    process.execPath,
    '-r',
    path.join(WORKSPACE_ROOT, 'tools/register-ts.cjs'),
    path.join(WORKSPACE_ROOT, 'apps/broker/src/main.ts'),
    ...['--port', String(port), '--http-port', String(httpPort), '--data-dir', dataDir],
  ];
  const child = spawn('sh', args, { cwd: WORKSPACE_ROOT, stdio: 'ignore', env: process.env });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status === 200, {
    timeoutMs: 20_000,
    what: 'limited broker /healthz',
  });
  return { child, port, httpPort };
}

describe('broker when a write fails', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-broker-full-'));
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('should take only the failed partition out of service and lose no acknowledged record', async () => {
    const limited = await startLimited(dataDir, 512);
    child = limited.child;
    const brokers = [`127.0.0.1:${limited.port}`];
    const kafka = kafkaFor(brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    const producer = kafka.producer({ retry: { retries: 1, initialRetryTime: 50 } });
    await producer.connect();
    const acked: string[] = [];
    let failure: Error | null = null;
    for (let send = 0; send < 100 && !failure; send++) {
      const values = Array.from({ length: 20 }, (_, i) => `${send}-${i}-${'f'.repeat(1000)}`);
      try {
        await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ partition: 0, value })) });
        acked.push(...values);
      } catch (e) {
        failure = e as Error;
      }
    }
    expect(failure).not.toBeNull(); // 512 KiB: the limit is reached long before 2 MB were sent
    expect(acked.length).toBeGreaterThan(100);
    const metrics = await (await fetch(`http://127.0.0.1:${limited.httpPort}/metrics`)).text();
    expect(metrics).toContain('keel_broker_offline_partitions 1');
    expect(metrics).toMatch(/keel_broker_errors_total\{api="Produce",code="56"\} [1-9]/);
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    const byId = new Map(meta.topics[0].partitions.map((p) => [p.partitionId, p]));
    expect(byId.get(0)).toMatchObject({ isr: [], offlineReplicas: [1] });
    expect(byId.get(1)).toMatchObject({ isr: [1], offlineReplicas: [] });
    // The other partition keeps serving.
    const [res] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition: 1, value: 'other' }] });
    expect(res.errorCode).toBe(0);
    await producer.disconnect();
    await admin.disconnect();
    limited.child.kill('SIGKILL');
    await new Promise((r) => limited.child.once('exit', r));

    // A restart without the limit recovers the partition: every acknowledged record, in order.
    const broker = await startBroker({ dataDir });
    const consumer = kafkaFor(broker.brokers).consumer({ groupId: 'full-verify', maxWaitTimeInMs: 200 });
    const got = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: got.onMessage });
    await waitForCount(got, acked.length + 1, 30_000);
    await consumer.disconnect();
    expect((got.byPartition.get(0) ?? []).slice(0, acked.length)).toEqual(acked);
    await broker.stop();
  });
});
