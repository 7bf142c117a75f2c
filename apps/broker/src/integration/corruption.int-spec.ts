import * as net from 'node:net';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { startBroker, type TestBroker } from '@keel/testing';
import { collector, kafkaFor, waitForCount } from './kafka-clients';

const TOPIC = 'crc-topic';

interface Flip {
  flipped: boolean;
  correlationId: number;
  answeredCode: number | null;
}

// A real kafkajs socket that flips one byte inside a record of the first Produce request it sends,
// and reads the broker's answer to that request off the wire.
function flippingSocket(flip: Flip): ISocketFactory {
  return ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!flip.flipped && Buffer.isBuffer(chunk) && chunk.length > 200 && chunk.readInt16BE(4) === 0) {
        const copy = Buffer.from(chunk);
        copy[copy.length - 8] ^= 0x01; // inside the last record's value
        flip.flipped = true;
        flip.correlationId = copy.readInt32BE(8);
        return write(copy, ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    let pending = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        if (flip.flipped && flip.answeredCode === null && frame.readInt32BE(0) === flip.correlationId) {
          // Produce v3-7 response: [topic: name, [partition: index int32, error int16, ...]]
          const nameLength = frame.readInt16BE(8);
          flip.answeredCode = frame.readInt16BE(10 + nameLength + 4 + 4);
        }
      }
    });
    return socket;
  };
}

describe('broker with a corrupted produce request', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('should refuse the corrupted batch with CORRUPT_MESSAGE, take the clean retry, and keep every acknowledged record across kill -9', async () => {
    const admin = kafkaFor(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();

    const flip: Flip = { flipped: false, correlationId: -1, answeredCode: null };
    const kafka = new Kafka({
      brokers: broker.brokers,
      clientId: 'crc-producer',
      logLevel: logLevel.NOTHING,
      socketFactory: flippingSocket(flip),
      retry: { retries: 5, initialRetryTime: 100 },
    });
    const producer = kafka.producer();
    await producer.connect();
    const acked: string[] = [];
    for (let send = 0; send < 40; send++) {
      const values = Array.from({ length: 10 }, (_, i) => `crc-${send}-${i}-payload-padding`);
      await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value })) });
      acked.push(...values);
    }
    await producer.disconnect();
    expect(flip.flipped).toBe(true);
    expect(flip.answeredCode).toBe(2); // CORRUPT_MESSAGE, and kafkajs retried the send cleanly
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(metrics).toContain('keel_broker_errors_total{api="Produce",code="2"} 1');

    await broker.kill();
    await broker.restart();

    const consumer = kafkaFor(broker.brokers).consumer({ groupId: 'crc-verify', maxWaitTimeInMs: 200 });
    const got = collector();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: got.onMessage });
    await waitForCount(got, acked.length, 30_000);
    await consumer.disconnect();
    // Every acknowledged record once, in the order acknowledged: the corrupted attempt stored nothing.
    expect(got.byPartition.get(0)).toEqual(acked);
  });
});
