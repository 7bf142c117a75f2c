// npm run bench:broker — 1 KiB messages through the real broker with kafkajs, acks -1, fsync always.
// Prints RESULT lines; the broker's CPU comes from /proc/<pid>/stat, the client's from process.cpuUsage.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type TestBroker } from '@keel/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000); // messages per producer.send
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4); // concurrent sends
const PARTITIONS = 4;
const SIZE = 1024;
const TICKS = 100; // USER_HZ on Linux

function brokerCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
}

function clientCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Phase {
  seconds: number;
  brokerCpu: number;
  clientCpu: number;
}

async function measure(broker: TestBroker, run: () => Promise<number>): Promise<Phase & { started: number }> {
  const b0 = brokerCpuSeconds(broker.pid);
  const c0 = clientCpuSeconds();
  const t0 = performance.now();
  const started = await run();
  const seconds = (performance.now() - (started || t0)) / 1000;
  return { seconds, brokerCpu: brokerCpuSeconds(broker.pid) - b0, clientCpu: clientCpuSeconds() - c0, started };
}

function result(name: string, value: number, unit: string): void {
  process.stdout.write(`RESULT ${name} ${Number(value.toFixed(value < 10 ? 3 : 0))} ${unit}\n`);
}

async function main(): Promise<void> {
  const broker = await startBroker({
    env: { KEEL_BROKER_LOG_LEVEL: 'warn', KEEL_BROKER_FSYNC: process.env.BENCH_FSYNC ?? 'always' },
  });
  const kafka = new Kafka({ brokers: broker.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'bench', numPartitions: PARTITIONS },
      { topic: 'bench-warmup', numPartitions: PARTITIONS },
    ],
  });
  await admin.disconnect();
  const payload = Buffer.alloc(SIZE, 'x');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // Warm-up: JIT both sides before timing.
  await producer.send({
    topic: 'bench-warmup',
    acks: -1,
    messages: Array.from({ length: 2000 }, () => ({ value: payload })),
  });

  const produce = await measure(broker, async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < MESSAGES) {
        const n = Math.min(BATCH, MESSAGES - next);
        next += n;
        await producer.send({
          topic: 'bench',
          acks: -1,
          messages: Array.from({ length: n }, () => ({ value: payload })),
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return 0;
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 4 << 20, maxBytes: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench', fromBeginning: true });
  const consume = await measure(broker, async () => {
    let seen = 0;
    let first = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          seen += batch.messages.length;
          if (seen >= MESSAGES) resolve();
        },
      });
    });
    return first; // time from the first delivered batch: group join is not throughput
  });
  await consumer.disconnect();
  await broker.stop();

  const mb = (MESSAGES * SIZE) / 1e6;
  const us = (cpu: number): number => (cpu * 1e6) / MESSAGES;
  result('produce_msgs_per_s', MESSAGES / produce.seconds, 'msg/s');
  result('produce_mb_per_s', mb / produce.seconds, 'MB/s');
  result('produce_broker_cpu_us_per_msg', us(produce.brokerCpu), 'us');
  result('produce_client_cpu_us_per_msg', us(produce.clientCpu), 'us');
  result('produce_broker_cpu_share', produce.brokerCpu / (produce.brokerCpu + produce.clientCpu), 'ratio');
  result('consume_msgs_per_s', MESSAGES / consume.seconds, 'msg/s');
  result('consume_mb_per_s', mb / consume.seconds, 'MB/s');
  result('consume_broker_cpu_us_per_msg', us(consume.brokerCpu), 'us');
  result('consume_client_cpu_us_per_msg', us(consume.clientCpu), 'us');
  result('consume_broker_cpu_share', consume.brokerCpu / (consume.brokerCpu + consume.clientCpu), 'ratio');
  const brokerCpu = produce.brokerCpu + consume.brokerCpu;
  result('broker_cpu_share', brokerCpu / (brokerCpu + produce.clientCpu + consume.clientCpu), 'ratio');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
