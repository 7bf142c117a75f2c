import { randomBytes } from 'node:crypto';
import { startBroker, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';
import { RawClient, request } from './raw-client';

// Seeded so a failure can be replayed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KNOWN_APIS: [number, number][] = [
  [0, 7],
  [1, 11],
  [2, 5],
  [3, 8],
  [8, 7],
  [9, 5],
  [10, 2],
  [11, 5],
  [12, 3],
  [13, 3],
  [14, 3],
  [15, 4],
  [16, 2],
  [18, 2],
  [19, 4],
  [20, 3],
  [21, 1],
  [22, 1],
  [32, 3],
  [33, 1],
  [37, 1],
  [42, 1],
  [44, 0],
  [47, 0],
];

describe('broker under malformed input', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker({
      env: { KEEL_BROKER_MAX_REQUEST_BYTES: String(256 * 1024), KEEL_BROKER_MAX_MESSAGE_BYTES: String(64 * 1024) },
    });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('should answer UNSUPPORTED_VERSION and keep the connection when the API key is unknown', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(request(999, 0, 41));
    const res = await c.response();
    expect(res?.readInt32BE(0)).toBe(41);
    expect(res?.readInt16BE(4)).toBe(35);
    c.write(request(18, 7, 42)); // ApiVersions past our max: error 35 plus the version list
    const av = await c.response();
    expect(av?.readInt32BE(0)).toBe(42);
    expect(av?.readInt16BE(4)).toBe(35);
    expect(av!.readInt32BE(6)).toBeGreaterThan(10);
    c.write(request(18, 2, 43));
    expect((await c.response())?.readInt16BE(4)).toBe(0);
    c.end();
  });

  it('should answer MESSAGE_TOO_LARGE when a frame or a batch is over the limits', async () => {
    const c = await RawClient.connect(broker.port);
    const big = request(0, 7, 77, Buffer.alloc(300 * 1024));
    c.write(big);
    const res = await c.response();
    expect(res?.readInt32BE(0)).toBe(77);
    expect(res?.readInt16BE(4)).toBe(10);
    c.end();

    const producer = kafkaFor(broker.brokers).producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(
      producer.send({ topic: 'fuzz-big', acks: -1, messages: [{ value: Buffer.alloc(100 * 1024, 1) }] }),
    ).rejects.toThrow(/too large|MESSAGE_TOO_LARGE|larger/i);
    await producer.disconnect();
  });

  it('should survive random, truncated and mislabelled frames while a real client sees no error', async () => {
    const kafka = kafkaFor(broker.brokers);
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    const rand = prng(20261127);
    let sent = 0;
    let clientErrors = 0;
    let fuzzing = true;
    const traffic = (async () => {
      while (fuzzing) {
        try {
          await producer.send({ topic: 'fuzz-ok', acks: -1, messages: [{ value: `ok-${sent}` }] });
          sent++;
        } catch {
          clientErrors++;
        }
      }
    })();

    for (let round = 0; round < 300; round++) {
      const c = await RawClient.connect(broker.port);
      const kind = round % 5;
      if (kind === 0) {
        c.write(randomBytes(1 + Math.floor(rand() * 200)));
      } else if (kind === 1) {
        const [key, version] = KNOWN_APIS[Math.floor(rand() * KNOWN_APIS.length)];
        const body = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
        c.write(request(key, version, round, body));
      } else if (kind === 2) {
        const frame = request(3, 5, round, Buffer.alloc(20));
        c.write(frame.subarray(0, Math.floor(rand() * frame.length))); // truncated, then hang up
      } else if (kind === 3) {
        const frame = Buffer.alloc(12);
        frame.writeInt32BE(rand() < 0.5 ? -5 : 3, 0); // impossible lengths
        c.write(frame);
      } else {
        c.write(
          request(Math.floor(rand() * 32767), Math.floor(rand() * 20), round, randomBytes(Math.floor(rand() * 40))),
        );
      }
      await c.response(20);
      c.end();
    }
    fuzzing = false;
    await traffic;
    await producer.disconnect();

    expect(clientErrors).toBe(0);
    expect(sent).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${broker.httpPort}/healthz`);
    expect(health.status).toBe(200);
    const consumer = kafka.consumer({ groupId: 'fuzz-check', maxWaitTimeInMs: 200 });
    const c = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: 'fuzz-ok', fromBeginning: true });
    await consumer.run({ eachMessage: c.onMessage });
    await waitForCount(c, sent);
    await consumer.disconnect();
    expect(c.total()).toBe(sent);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(Number(/keel_broker_malformed_frames_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    // Every bad frame was a clean protocol error, never an exception escaping a handler.
    expect(broker.output()).not.toContain('request handler failed');
  });
});
