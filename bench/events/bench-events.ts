// npm run bench:events — end-to-end events per second through the event bus with dedupe on:
// a producing process publishes, this process consumes (validate → processed-events table → handler).
// Baseline in the same run: the same bytes through plain kafkajs producer and consumer processes on
// the same embedded broker. Flags: --events N (default 100000), --db sqlite|postgres, --publishers K (default 2);
// BENCH_PROFILE=<dir> writes a CPU profile of each publisher process; BENCH_WINDOW / BENCH_STEP set the
// publisher's publishes in flight (5000) and refill step (500).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EventBus } from '@keel/event-bus';
import { eventTableEntities, eventTableMigrations, openDatabase } from '@keel/persistence';
import { DEFAULT_TEST_DATABASE_URL } from '@keel/persistence/testing';
import { startBroker, type TestBroker } from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg('events', '100000'));
/** Producing processes (service replicas), each publishing N / PUBLISHERS events. */
const PUBLISHERS = Number(arg('publishers', '2'));
const DB = arg('db', 'sqlite');
const PARTITIONS = 3;
const ROOT = resolve(__dirname, '../..');

async function waitUntil(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Publisher {
  /** [start ms, end ms, CPU µs] as reported by the process. */
  started: Promise<[number, number, number]>;
  done: Promise<void>;
  go(): void;
}

/** Starts one publisher process and resolves once it is connected and waiting for "go". */
async function runPublisher(
  mode: 'bus' | 'raw',
  brokers: string[],
  target: string,
  first: number,
  count: number,
): Promise<Publisher> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_PROFILE']] : []),
      '-r',
      join(ROOT, 'tools/register-ts.cjs'),
      join(__dirname, 'publisher.ts'),
      mode,
      JSON.stringify(brokers),
      target,
      String(count),
      String(first),
    ],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  let ready!: () => void;
  let startedAt!: (t: [number, number, number]) => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const started = new Promise<[number, number, number]>((r) => (startedAt = r));
  lines.on('line', (line) => {
    if (line === 'READY') ready();
    const done = /^DONE (\d+) (\d+) (\d+)$/.exec(line);
    if (done) startedAt([Number(done[1]), Number(done[2]), Number(done[3]) * 1000]);
  });
  const done = new Promise<void>((res, rej) =>
    child.once('exit', (code) => (code === 0 ? res() : rej(new Error(`publisher exited with ${code}`)))),
  );
  await Promise.race([isReady, done]);
  return { started, done, go: () => void child.stdin.write('go\n') };
}

interface PublisherRun {
  /** Earliest start and latest end over all publishers, and their CPU µs per event. */
  result: Promise<{ start: number; end: number; cpuPerEvent: number }>;
}

/** Starts every publisher, waits until all are connected, then starts them together. */
async function runPublishers(mode: 'bus' | 'raw', brokers: string[], target: string): Promise<PublisherRun> {
  const share = Math.ceil(N / PUBLISHERS);
  const runs = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, p) =>
      runPublisher(mode, brokers, target, p * share, Math.min(share, N - p * share)),
    ),
  );
  for (const r of runs) r.go();
  const result = (async () => {
    const times = await Promise.all(runs.map((r) => r.started));
    await Promise.all(runs.map((r) => r.done));
    return {
      start: Math.min(...times.map((t) => t[0])),
      end: Math.max(...times.map((t) => t[1])),
      cpuPerEvent: times.reduce((sum, t) => sum + t[2], 0) / N,
    };
  })();
  return { result };
}

/** CPU time of another process in µs (Linux /proc; utime + stime in clock ticks of 10 ms). */
function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function cpuPerEvent(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / N;
}

interface Rates {
  e2e: number;
  publish: number;
  publisherCpu: number;
  consumerCpu: number;
}

async function rawBaseline(broker: TestBroker): Promise<Rates> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'bench-raw', numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: 'bench-raw', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['bench-raw'], fromBeginning: true });
  let received = 0;
  let last = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      // What every consumer does at least: read the headers and parse the body.
      for (const m of batch.messages) {
        for (const v of Object.values(m.headers ?? {})) void String(v);
        JSON.parse(m.value!.toString());
      }
      received += batch.messages.length;
      last = Date.now();
    },
  });
  const cpu = process.cpuUsage();
  const publishers = await runPublishers('raw', broker.brokers, 'bench-raw');
  await waitUntil(() => received >= N, 600_000, 'raw consumer');
  const consumerCpu = cpuPerEvent(cpu);
  const { start, end, cpuPerEvent: publisherCpu } = await publishers.result;
  await consumer.disconnect();
  return { e2e: N / ((last - start) / 1000), publish: N / ((end - start) / 1000), publisherCpu, consumerCpu };
}

async function openBenchDatabase(dir: string): Promise<DataSource> {
  const common = { entities: eventTableEntities, migrations: eventTableMigrations, dataDir: dir };
  if (DB === 'postgres') {
    const schema = `bench_${process.pid}`;
    return openDatabase({
      ...common,
      service: schema,
      schema,
      databaseUrl: process.env['KEEL_TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL,
    });
  }
  return openDatabase({ ...common, service: 'bench' });
}

async function busRun(broker: TestBroker, dataSource: DataSource): Promise<Rates & { duplicates: number }> {
  const bus = new EventBus({
    clientId: 'bench',
    brokers: broker.brokers,
    source: 'keel/bench',
    topicPartitions: PARTITIONS,
  });
  await bus.connect();
  await bus.ensureTopics(['keel.ingest.bench']);
  const seen = new Set<number>();
  let duplicates = 0;
  let last = 0;
  const sub = await bus.subscribe(
    'keel.ingest.record',
    async (e) => {
      const n = e.data['CustomerID'] as number;
      if (seen.has(n)) duplicates++;
      seen.add(n);
      last = Date.now();
    },
    { group: 'bench-bus', dataset: 'bench', dataSource },
  );
  const cpu = process.cpuUsage();
  const publishers = await runPublishers('bus', broker.brokers, 'bench');
  await waitUntil(() => seen.size >= N, 600_000, 'bus consumer');
  const consumerCpu = cpuPerEvent(cpu);
  const { start, end, cpuPerEvent: publisherCpu } = await publishers.result;
  await sub.close();
  await bus.close();
  return {
    e2e: N / ((last - start) / 1000),
    publish: N / ((end - start) / 1000),
    publisherCpu,
    consumerCpu,
    duplicates,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-events-'));
  const broker = await startBroker();
  const dataSource = await openBenchDatabase(dir);
  try {
    let brokerCpu = processCpuMicros(broker.pid);
    const raw = await rawBaseline(broker);
    const rawBrokerCpu = (processCpuMicros(broker.pid) - brokerCpu) / N;
    brokerCpu = processCpuMicros(broker.pid);
    const bus = await busRun(broker, dataSource);
    const busBrokerCpu = (processCpuMicros(broker.pid) - brokerCpu) / N;
    const rows = Number(
      ((await dataSource.query('SELECT COUNT(*) AS n FROM keel_processed_events')) as { n: string | number }[])[0]!.n,
    );
    if (rows !== N || bus.duplicates !== 0)
      throw new Error(`lost or duplicated events: ${rows} processed rows, ${bus.duplicates} duplicates`);
    console.log(
      `# ${N} events, ${PARTITIONS} partitions, dedupe on (${DB}), embedded broker, ${PUBLISHERS} publisher process(es) and one consumer process`,
    );
    console.log(`RESULT events_per_s ${Math.round(bus.e2e)} events/s`);
    console.log(`RESULT publish_events_per_s ${Math.round(bus.publish)} events/s`);
    console.log(`RESULT raw_kafkajs_events_per_s ${Math.round(raw.e2e)} events/s`);
    console.log(`RESULT raw_kafkajs_publish_events_per_s ${Math.round(raw.publish)} events/s`);
    console.log(`RESULT events_vs_raw_ratio ${(bus.e2e / raw.e2e).toFixed(2)} x`);
    console.log(`RESULT events_publisher_cpu_us_per_event ${bus.publisherCpu.toFixed(1)} us`);
    console.log(`RESULT events_consumer_cpu_us_per_event ${bus.consumerCpu.toFixed(1)} us`);
    console.log(`RESULT events_broker_cpu_us_per_event ${busBrokerCpu.toFixed(1)} us`);
    console.log(`RESULT raw_publisher_cpu_us_per_event ${raw.publisherCpu.toFixed(1)} us`);
    console.log(`RESULT raw_consumer_cpu_us_per_event ${raw.consumerCpu.toFixed(1)} us`);
    console.log(`RESULT raw_broker_cpu_us_per_event ${rawBrokerCpu.toFixed(1)} us`);
  } finally {
    if (DB === 'postgres') await dataSource.query(`DROP SCHEMA IF EXISTS "bench_${process.pid}" CASCADE`);
    await dataSource.destroy();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
