import * as http from 'node:http';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startBroker, waitFor, WORKSPACE_ROOT } from '@keel/testing';
import { kafkaFor } from './kafka-clients';

function runMain(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(WORKSPACE_ROOT, 'tools/register-ts.cjs'),
        path.join(WORKSPACE_ROOT, 'apps/broker/src/main.ts'),
        ...args,
      ],
      { cwd: WORKSPACE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('broker process', () => {
  it('should exit 1 and list every problem when flags and variables are bad', async () => {
    const { code, stderr } = await runMain(['--port', 'x', '--nope'], { KEEL_BROKER_FSYNC: 'maybe' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/--port="x"/);
    expect(stderr).toMatch(/unknown argument "--nope"/);
    expect(stderr).toMatch(/KEEL_BROKER_FSYNC="maybe"/);
  });

  it('should flush, log JSON lines and exit 0 when sent SIGTERM', async () => {
    const broker = await startBroker({ env: { KEEL_BROKER_DEFAULT_PARTITIONS: '2' } });
    const producer = kafkaFor(broker.brokers).producer();
    await producer.connect();
    await producer.send({ topic: 'proc-auto', acks: 1, messages: [{ value: 'x' }] });
    await producer.disconnect();
    const admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['proc-auto'] });
    await admin.disconnect();
    expect(meta.topics[0].partitions).toHaveLength(2); // auto-created with KEEL_BROKER_DEFAULT_PARTITIONS
    // A scraper holding a keep-alive connection must not delay the shutdown.
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http
        .get(`http://127.0.0.1:${broker.httpPort}/metrics`, { agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject),
    );
    const started = Date.now();
    await broker.restart(); // SIGTERM, wait for exit, start again
    agent.destroy();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(broker.exitCode()).toBe(0);
    expect(broker.output()).toContain('"msg":"broker listening"');
    const lines = broker.output().trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => typeof (JSON.parse(l) as { msg: string }).msg === 'string')).toBe(true);
    await broker.stop();
  });

  it('should refuse unknown topics when auto-creation is switched off', async () => {
    const broker = await startBroker({ env: { KEEL_BROKER_AUTO_CREATE_TOPICS: 'false' } });
    const producer = kafkaFor(broker.brokers).producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(producer.send({ topic: 'proc-missing', messages: [{ value: 'x' }] })).rejects.toThrow(
      /does not host this topic-partition/,
    );
    await producer.disconnect();
    await broker.stop();
  });

  it('should roll segments and drop the oldest when the retention limits are configured small', async () => {
    const broker = await startBroker({
      env: {
        KEEL_BROKER_SEGMENT_BYTES: '8192',
        KEEL_BROKER_RETENTION_BYTES: '16384',
        KEEL_BROKER_RETENTION_CHECK_MS: '100',
      },
    });
    const kafka = kafkaFor(broker.brokers);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 40; i++) {
      await producer.send({ topic: 'proc-retention', acks: -1, messages: [{ value: Buffer.alloc(2000, i) }] });
    }
    await producer.disconnect();
    // Retention runs every 100 ms; wait for it to catch up with the last appends.
    const logBytes = async (): Promise<number> => {
      const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      return Number(/keel_broker_log_size_bytes (\d+)/.exec(metrics)?.[1]);
    };
    await waitFor(async () => (await logBytes()) < 16384 + 8192, { what: 'log trimmed to the retention limit' });
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchTopicOffsets('proc-retention');
    await admin.disconnect();
    expect(offsets.high).toBe('40');
    expect(Number(offsets.low)).toBeGreaterThan(20);
    await broker.stop();
  });
});
