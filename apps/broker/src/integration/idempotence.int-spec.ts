import { startBroker, type TestBroker } from '@keel/testing';
import { buildBatch } from '../log/batch-builder';
import { CuttingProxy } from './cutting-proxy';
import { kafkaFor } from './kafka-clients';
import { RawClient, request } from './raw-client';
import { runTool } from './run-tool';

function produceV7(topic: string, records: Buffer): Buffer {
  const name = Buffer.from(topic);
  const head = Buffer.alloc(2 + 2 + 4 + 4 + 2 + name.length + 4 + 4 + 4);
  let at = head.writeInt16BE(-1, 0); // no transactional id
  at = head.writeInt16BE(-1, at); // acks -1
  at = head.writeInt32BE(5000, at);
  at = head.writeInt32BE(1, at); // one topic
  at = head.writeInt16BE(name.length, at);
  at += name.copy(head, at);
  at = head.writeInt32BE(1, at); // one partition
  at = head.writeInt32BE(0, at);
  head.writeInt32BE(records.length, at);
  return Buffer.concat([head, records]);
}

// Produce v7 answer for one topic and one partition: [error code, base offset].
function produceAnswer(frame: Buffer): [number, number] {
  const at = 4 + 4 + 2 + frame.readInt16BE(8) + 4 + 4;
  return [frame.readInt16BE(at), Number(frame.readBigInt64BE(at + 2))];
}

const TOPIC = 'idem-kcat';
const COUNT = 100_000;

// librdkafka's idempotent producer (kcat -X enable.idempotence=true) through a proxy that cuts the
// connection after every seventh Produce request reached the broker: librdkafka retries batches
// the broker already stored, and each must be stored once.
describe('idempotent producer through a connection that keeps breaking', () => {
  let broker: TestBroker;
  let proxy: CuttingProxy;

  beforeAll(async () => {
    proxy = await CuttingProxy.start(7, 10);
    broker = await startBroker({ env: { KEEL_BROKER_ADVERTISED_PORT: String(proxy.port) } });
    proxy.forwardTo(broker.port);
  });

  afterAll(async () => {
    await proxy?.close();
    await broker?.stop();
  });

  it('should store exactly 100,000 records in order when kcat retries batches the broker already has', async () => {
    const lines = Array.from({ length: COUNT }, (_, i) => `idem-${i}`);
    const produced = await runTool(
      'kcat',
      [
        // -E: a cut connection is a non-fatal error for librdkafka, which reconnects and retries.
        ...['-P', '-E', '-b', `127.0.0.1:${proxy.port}`, '-t', TOPIC, '-p', '0'],
        ...['-X', 'enable.idempotence=true', '-X', 'batch.num.messages=500', '-X', 'linger.ms=20'],
        ...['-X', 'retry.backoff.ms=20', '-X', 'reconnect.backoff.ms=20', '-X', 'reconnect.backoff.max.ms=200'],
      ],
      { input: `${lines.join('\n')}\n`, timeoutMs: 90_000 },
    );
    expect(produced.stderr).not.toMatch(/fatal|OUT_OF_ORDER|DUPLICATE_SEQUENCE/i);
    expect(produced.code).toBe(0);
    expect(proxy.cuts).toBeGreaterThan(5);

    const read = await runTool('kcat', ['-C', '-b', broker.brokers[0], '-t', TOPIC, '-p', '0', '-e', '-q'], {
      timeoutMs: 60_000,
    });
    const stored = read.stdout.split('\n').filter(Boolean);
    expect(stored.length).toBe(COUNT);
    expect(stored).toEqual(lines);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/keel_broker_requests_total\{api="InitProducerId",version="\d"\} 1\n/);
    // Retried batches the broker already had were answered from its producer state.
    expect(Number(/keel_broker_duplicate_batches_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(5);
  });

  it('should answer each of five pipelined batches with its first offset when all five are retried', async () => {
    // librdkafka 2.0.2 keeps one idempotent request in flight per partition with this broker, so
    // the five-batch window is driven here with raw Produce v7 requests, as the Java client sends.
    const admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'idem-raw', numPartitions: 1 }] });
    await admin.disconnect();
    const batches = Array.from({ length: 5 }, (_, i) =>
      buildBatch([`r${i}a`, `r${i}b`], { producerId: 77_000, producerEpoch: 0, baseSequence: i * 2 }),
    );
    const send = async (): Promise<[number, number][]> => {
      const c = await RawClient.connect(broker.port);
      batches.forEach((b, i) => c.write(request(0, 7, 100 + i, produceV7('idem-raw', Buffer.from(b)))));
      const answers: [number, number][] = [];
      for (let i = 0; i < 5; i++) answers.push(produceAnswer((await c.response(10_000))!));
      c.end();
      return answers;
    };
    const first = await send();
    expect(first).toEqual([0, 2, 4, 6, 8].map((o) => [0, o]));
    expect(await send()).toEqual(first);
    const check = kafkaFor(broker.brokers).admin();
    await check.connect();
    const [p] = await check.fetchTopicOffsets('idem-raw');
    await check.disconnect();
    expect(p.high).toBe('10');
  });
});
