// npm run bench:broker — 1 KiB messages through the real broker with kafkajs, acks -1, fsync always.
// Prints RESULT lines; the broker's CPU comes from /proc/<pid>/stat, the client's from process.cpuUsage.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type TestBroker } from '@keel/testing';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000); // messages per producer.send
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4); // concurrent sends
const PARTITIONS = 4;
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 2); // kafkajs producers, one thread each
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

// Starts `count` producer threads (each connects and warms up first), then times the sends.
async function produceWith(broker: TestBroker, count: number, messages: number, topic: string): Promise<Phase> {
  const share = Math.ceil(messages / count);
  const workers = Array.from(
    { length: count },
    (_, i) =>
      new Worker(path.join(__dirname, 'produce-worker.ts'), {
        workerData: {
          brokers: broker.brokers,
          topic,
          messages: Math.min(share, messages - i * share),
          batch: BATCH,
          inFlight: IN_FLIGHT,
          size: SIZE,
        },
      }),
  );
  const signal = (w: Worker, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      w.on('error', reject);
      w.on('message', (m) => m === what && resolve());
    });
  await Promise.all(workers.map((w) => signal(w, 'ready')));
  const phase = await measure(broker, async () => {
    const done = workers.map((w) => signal(w, 'done'));
    for (const w of workers) w.postMessage('go');
    await Promise.all(done);
    return 0;
  });
  await Promise.all(workers.map((w) => w.terminate()));
  return phase;
}

// CPU per message of the CRC-32C check Produce now makes (1 KiB records, batches of 250 as in the
// produce phase), native and portable, in this process: compared with the broker's produce CPU.
/** Runs the broker's own CRC-32C micro-benchmark in a child process: implementation and µs per message. */
function crcMicrosPerMessage(): { implementation: string; native: number; portable: number } {
  const root = path.resolve(__dirname, '../..');
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      path.join(root, 'tools/register-ts.cjs'),
      path.join(root, 'apps/broker/src/log/crc32c.bench.ts'),
      String(SIZE),
    ],
    { encoding: 'utf8' },
  );
  const [implementation, native, portable] = out.trim().split(' ');
  return { implementation, native: Number(native), portable: Number(portable) };
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
    topics: ['bench', 'bench-baseline'].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await admin.disconnect();
  // Baseline in the same run: one producer thread. If the broker were the bottleneck, more client
  // threads would not help; the ratio shows how far the client side limits throughput.
  const baseline = await produceWith(broker, 1, Math.floor(MESSAGES / 2), 'bench-baseline');
  const produce = await produceWith(broker, PRODUCERS, MESSAGES, 'bench');

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
  result('produce_one_producer_msgs_per_s', Math.floor(MESSAGES / 2) / baseline.seconds, 'msg/s');
  result(
    'produce_scaling_vs_one_producer',
    MESSAGES / produce.seconds / (Math.floor(MESSAGES / 2) / baseline.seconds),
    'ratio',
  );
  result('produce_mb_per_s', mb / produce.seconds, 'MB/s');
  result('produce_broker_cpu_us_per_msg', us(produce.brokerCpu), 'us');
  result('produce_client_cpu_us_per_msg', us(produce.clientCpu), 'us');
  // What one fully busy core of broker could sustain: load-independent, unlike the rates above.
  result('produce_broker_msgs_per_cpu_s', MESSAGES / produce.brokerCpu, 'msg/s');
  result('produce_broker_cpu_share', produce.brokerCpu / (produce.brokerCpu + produce.clientCpu), 'ratio');
  result('consume_msgs_per_s', MESSAGES / consume.seconds, 'msg/s');
  result('consume_mb_per_s', mb / consume.seconds, 'MB/s');
  result('consume_broker_cpu_us_per_msg', us(consume.brokerCpu), 'us');
  result('consume_client_cpu_us_per_msg', us(consume.clientCpu), 'us');
  result('consume_broker_msgs_per_cpu_s', MESSAGES / consume.brokerCpu, 'msg/s');
  result('consume_broker_cpu_share', consume.brokerCpu / (consume.brokerCpu + consume.clientCpu), 'ratio');
  const crc = crcMicrosPerMessage();
  process.stdout.write(`# crc32c implementation in the broker: ${crc.implementation}\n`);
  result('crc32c_native_us_per_msg', crc.native, 'us');
  result('crc32c_portable_us_per_msg', crc.portable, 'us');
  result('crc32c_share_of_produce_broker_cpu', crc.native / us(produce.brokerCpu), 'ratio');
  const brokerCpu = produce.brokerCpu + consume.brokerCpu;
  result('broker_cpu_share', brokerCpu / (brokerCpu + produce.clientCpu + consume.clientCpu), 'ratio');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
