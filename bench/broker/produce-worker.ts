// One kafkajs producer on its own thread, so the bench's client side can use more than one core.
import { parentPort, workerData } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';

interface Job {
  brokers: string[];
  topic: string;
  messages: number;
  batch: number;
  inFlight: number;
  size: number;
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const job = workerData as Job;

async function main(): Promise<void> {
  const kafka = new Kafka({ brokers: job.brokers, clientId: 'bench-worker', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const payload = Buffer.alloc(job.size, 'x');
  await producer.send({
    topic: job.topic,
    acks: -1,
    messages: Array.from({ length: 200 }, () => ({ value: payload })),
  });
  parentPort?.postMessage('ready');
  await new Promise((resolve) => parentPort?.once('message', resolve));
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < job.messages) {
      const n = Math.min(job.batch, job.messages - next);
      next += n;
      await producer.send({
        topic: job.topic,
        acks: -1,
        messages: Array.from({ length: n }, () => ({ value: payload })),
      });
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, loop));
  await producer.disconnect();
  parentPort?.postMessage('done');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
