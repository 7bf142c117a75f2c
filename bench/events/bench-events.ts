// npm run bench:events — end-to-end events per second through the event bus with dedupe on
// (publish → broker → validate → processed-events table → handler), against a raw kafkajs baseline
// on the same embedded broker in the same run. Flags: --events N (default 100000), --db sqlite|postgres.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '@keel/event-bus';
import { DEFAULT_TEST_DATABASE_URL, eventTableEntities, eventTableMigrations, openDatabase } from '@keel/persistence';
import { startBroker, type TestBroker } from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg('events', '100000'));
const DB = arg('db', 'sqlite');
const WINDOW = 5000;
const PARTITIONS = 3;

async function waitUntil(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Baseline: the same records (value and CloudEvents headers) through plain kafkajs, no validation, no dedupe. */
async function rawBaseline(broker: TestBroker): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'bench-raw', numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: 'bench-raw', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: ['bench-raw'], fromBeginning: true });
  let received = 0;
  await consumer.run({ eachBatch: async ({ batch }) => void (received += batch.messages.length) });
  const value = JSON.stringify({ CustomerID: 0, Tenure: 4, CityTier: 3, Churn: 0, PreferredLoginDevice: 'Mobile Phone' });
  const start = performance.now();
  for (let sent = 0; sent < N; sent += WINDOW) {
    const messages = Array.from({ length: Math.min(WINDOW, N - sent) }, (_, i) => ({
      key: `c-${(sent + i) % 1000}`,
      value,
      headers: { ce_specversion: '1.0', ce_id: `raw-${sent + i}`, ce_type: 'keel.ingest.record', ce_source: 'bench', ce_time: new Date().toISOString() },
    }));
    await producer.send({ topic: 'bench-raw', acks: -1, messages });
  }
  await waitUntil(() => received >= N, 300_000, 'raw consumer');
  const seconds = (performance.now() - start) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return N / seconds;
}

async function openBenchDatabase(dir: string): Promise<DataSource> {
  const common = { entities: eventTableEntities, migrations: eventTableMigrations, dataDir: dir };
  if (DB === 'postgres') {
    const schema = `bench_${process.pid}`;
    return openDatabase({ ...common, service: schema, schema, databaseUrl: process.env['KEEL_TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL });
  }
  return openDatabase({ ...common, service: 'bench' });
}

async function busRun(broker: TestBroker, dataSource: DataSource): Promise<{ e2e: number; publish: number; duplicates: number }> {
  const bus = new EventBus({ clientId: 'bench', brokers: broker.brokers, source: 'keel/bench', topicPartitions: PARTITIONS, provisionTopics: false });
  await bus.connect();
  const seen = new Set<number>();
  let duplicates = 0;
  const sub = await bus.subscribe(
    'keel.ingest.record',
    async (e) => {
      const n = e.data['CustomerID'] as number;
      if (seen.has(n)) duplicates++;
      seen.add(n);
    },
    { group: 'bench-bus', dataset: 'bench', dataSource },
  );
  const start = performance.now();
  for (let sent = 0; sent < N; sent += WINDOW) {
    const batch: Promise<void>[] = [];
    for (let i = sent; i < Math.min(N, sent + WINDOW); i++) {
      const payload = { CustomerID: i, Tenure: 4, CityTier: 3, Churn: 0, PreferredLoginDevice: 'Mobile Phone' };
      batch.push(bus.publish('keel.ingest.record', payload, { key: `c-${i % 1000}`, dataset: 'bench' }));
    }
    await Promise.all(batch);
  }
  const published = performance.now();
  await waitUntil(() => seen.size >= N, 600_000, 'bus consumer');
  const end = performance.now();
  await sub.close();
  await bus.close();
  return { e2e: N / ((end - start) / 1000), publish: N / ((published - start) / 1000), duplicates };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-events-'));
  const broker = await startBroker();
  const dataSource = await openBenchDatabase(dir);
  try {
    const raw = await rawBaseline(broker);
    const bus = await busRun(broker, dataSource);
    const rows = Number(((await dataSource.query('SELECT COUNT(*) AS n FROM keel_processed_events')) as { n: string | number }[])[0]!.n);
    if (rows !== N || bus.duplicates !== 0) throw new Error(`lost or duplicated events: ${rows} processed rows, ${bus.duplicates} duplicates`);
    console.log(`# ${N} events, ${PARTITIONS} partitions, dedupe on (${DB}), embedded broker`);
    console.log(`RESULT events_per_s ${Math.round(bus.e2e)} events/s`);
    console.log(`RESULT publish_events_per_s ${Math.round(bus.publish)} events/s`);
    console.log(`RESULT raw_kafkajs_events_per_s ${Math.round(raw)} events/s`);
    console.log(`RESULT events_vs_raw_ratio ${(bus.e2e / raw).toFixed(2)} x`);
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
