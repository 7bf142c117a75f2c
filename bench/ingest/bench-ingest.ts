// bench:ingest — records/s through the ingestion service (validation + transactional staging, SQLite)
// against a raw kafkajs consumer of the same topic in the same run; snapshot build time; the service's
// RSS as the staged dataset grows. `--records <n>` (default 200,000; the figure is 1,000,000).
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ingestionClients } from '@keel/clients';
import { ingestTopic, type ingestionV1 } from '@keel/contracts';
import { startBroker, startServiceProcess, waitFor, type ServiceProcess } from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('--records', 200_000);
// `--cpu-prof <dir>`: the ingestion process writes a V8 CPU profile there when it stops.
const PROFILE_DIR = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : '';
const DATASET = 'bench';
const NUMERIC = 15;
const CATEGORICAL = 5;
const result = (name: string, value: number, unit: string): void =>
  console.log(`RESULT ${name} ${Number(value.toPrecision(6))} ${unit}`);

/** A progress line (which phase a stuck run is in). */
const phase = (what: string): void => console.log(`# ${new Date().toISOString()} ${what}`);

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** CPU seconds (user + system, every thread) a process has used so far. */
const cpuS = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** The service's V8 heap and external memory (prom-client default metrics on /metrics), in MB. */
async function heapMb(url: string): Promise<{ heap: number; external: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return { heap: value('nodejs_heap_size_used_bytes'), external: value('nodejs_external_memory_bytes') };
}

function record(i: number): string {
  const r: Record<string, number | string> = { id: i };
  for (let c = 0; c < NUMERIC - 1; c++) r[`n${c}`] = ((i * 7919 + c * 104729) % 100_000) / 100;
  for (let c = 0; c < CATEGORICAL; c++) r[`c${c}`] = `v${(i + c) % 17}`;
  return JSON.stringify(r);
}

async function produce(kafka: Kafka, topic: string): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const started = Date.now();
  const BATCH = 5000;
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < RECORDS; i += BATCH) {
    const messages = [];
    for (let j = i; j < Math.min(RECORDS, i + BATCH); j++) messages.push({ value: record(j) });
    inFlight.push(producer.send({ topic, messages }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  return (Date.now() - started) / 1000;
}

async function rawConsume(kafka: Kafka, topic: string): Promise<{ seconds: number; cpuS: number }> {
  const consumer = kafka.consumer({ groupId: `raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let first = 0;
  let cpu0 = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (!first) {
        first = Date.now();
        cpu0 = cpuS(process.pid);
      }
      for (const m of batch.messages) if (m.value) seen++;
    },
  });
  await waitFor(() => seen >= RECORDS, { timeoutMs: 600_000, intervalMs: 20, what: 'raw consumer' });
  const seconds = (Date.now() - first) / 1000;
  const cpu = cpuS(process.pid) - cpu0;
  await consumer.disconnect();
  return { seconds, cpuS: cpu };
}

async function main(): Promise<void> {
  console.log(`# load average at start: ${loadavg()[0]!.toFixed(2)}; ${RECORDS} records of 20 columns`);
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-ingest-'));
  const broker = await startBroker();
  const env = { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' };
  const registry = await startServiceProcess('registry', { env, readyTimeoutMs: 120_000 });
  const ingestionEnv: Record<string, string> = { ...env, KEEL_REGISTRY_ADDRESS: registry.grpcAddress };
  if (PROFILE_DIR)
    Object.assign(ingestionEnv, {
      NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}`,
      KEEL_BENCH_CPU_PROF_DIR: PROFILE_DIR,
    });
  const start = () =>
    startServiceProcess('ingestion', { env: ingestionEnv, dataDir: join(dir, 'ingestion'), readyTimeoutMs: 120_000 });
  let ingestion: ServiceProcess = await start();
  const kafka = new Kafka({ clientId: 'bench-ingest', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  try {
    let client = ingestionClients(ingestion.grpcAddress);
    const columns: ingestionV1.Column[] = [
      { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
      ...Array.from({ length: NUMERIC - 1 }, (_, c) => ({
        name: `n${c}`,
        type: 'COLUMN_TYPE_NUMERIC' as const,
        required: false,
        min: 0,
        max: 1000,
      })),
      ...Array.from({ length: CATEGORICAL }, (_, c) => ({
        name: `c${c}`,
        type: 'COLUMN_TYPE_CATEGORICAL' as const,
        required: false,
      })),
    ];
    await client.datasets.CreateDataset({ name: DATASET, columns, target: 'c0', entityKey: 'id' });
    client.close();
    // The topic is filled while the service is down, so both consumers read the same backlog.
    await ingestion.stop();
    phase('producing');
    const produceS = await produce(kafka, ingestTopic(DATASET));
    result('ingest_produce_records_per_s', RECORDS / produceS, 'records/s');

    phase('raw kafkajs consumer');
    const rawRun = await rawConsume(kafka, ingestTopic(DATASET));
    const raw = RECORDS / rawRun.seconds;
    result('ingest_raw_kafkajs_records_per_s', raw, 'records/s');
    // CPU per record is steadier than records/s on a loaded machine (the wait for a core is not in it).
    result('ingest_raw_kafkajs_cpu_us_per_record', (rawRun.cpuS * 1e6) / RECORDS, 'us');

    phase('ingestion service');
    ingestion = await start();
    client = ingestionClients(ingestion.grpcAddress);
    const pid = ingestion.child.pid!;
    // A service that dies mid-run fails the bench at once with its output (waitFor would retry on).
    let exited: string | null = null;
    ingestion.child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
    const rssStart = rssMb(pid);
    let rssAt100k = NaN;
    let heapAt100k = { heap: NaN, external: NaN };
    let rssAtHalf = NaN;
    let first = 0;
    let cpuFirst = 0;
    let accepted = 0;
    await waitFor(
      async () => {
        if (exited !== null) return true;
        const d = (await client.datasets.GetDataset({ name: DATASET })) as ingestionV1.Dataset__Output;
        accepted = Number(d.accepted) + Number(d.rejected);
        if (accepted > 0 && !first) {
          first = Date.now();
          cpuFirst = cpuS(pid);
        }
        if (accepted >= Math.min(100_000, RECORDS / 10) && Number.isNaN(rssAt100k)) {
          rssAt100k = rssMb(pid);
          heapAt100k = await heapMb(ingestion.httpUrl);
        }
        if (accepted >= RECORDS / 2 && Number.isNaN(rssAtHalf)) rssAtHalf = rssMb(pid);
        return accepted >= RECORDS;
      },
      { timeoutMs: 900_000, intervalMs: 100, what: 'every record staged' },
    );
    if (exited !== null) throw new Error(`ingestion ${exited} after ${accepted} records:\n${ingestion.output()}`);
    const ingestS = (Date.now() - first) / 1000;
    const ingestCpuUs = ((cpuS(pid) - cpuFirst) * 1e6) / RECORDS;
    const rate = RECORDS / ingestS;
    const rssEnd = rssMb(pid);
    result('ingest_records_per_s', rate, 'records/s');
    result('ingest_vs_raw_ratio', rate / raw, 'ratio');
    result('ingest_cpu_us_per_record', ingestCpuUs, 'us');
    result('ingest_vs_raw_cpu_ratio', (rawRun.cpuS * 1e6) / RECORDS / ingestCpuUs, 'ratio');
    result('ingest_rss_start_mb', rssStart, 'MB');
    result('ingest_rss_at_10pct_mb', rssAt100k, 'MB');
    result('ingest_rss_at_end_mb', rssEnd, 'MB');
    result('ingest_rss_growth_10pct_to_end_mb', rssEnd - rssAt100k, 'MB');
    // Flat means a plateau: what the second half of the records adds.
    result('ingest_rss_at_50pct_mb', rssAtHalf, 'MB');
    result('ingest_rss_growth_50pct_to_end_mb', rssEnd - rssAtHalf, 'MB');
    // What the growth is made of: the JS heap and external (Buffer) memory at the same two points.
    const heapEnd = await heapMb(ingestion.httpUrl);
    result('ingest_heap_used_at_10pct_mb', heapAt100k.heap, 'MB');
    result('ingest_heap_used_at_end_mb', heapEnd.heap, 'MB');
    result('ingest_external_at_10pct_mb', heapAt100k.external, 'MB');
    result('ingest_external_at_end_mb', heapEnd.external, 'MB');

    phase('snapshot');
    const t0 = Date.now();
    // As `keel dataset snapshot --wait` does: 10 minutes, not the clients' 30 s default (1M rows take
    // 16-30 s on this machine, more under load).
    const s = (await client.datasets.CreateSnapshot(
      { dataset: DATASET, wait: true },
      { deadline: Date.now() + 10 * 60_000 },
    )) as ingestionV1.Snapshot__Output;
    result('ingest_snapshot_s', (Date.now() - t0) / 1000, 's');
    result('ingest_snapshot_rows', Number(s.rows), 'rows');
    result('ingest_rss_after_snapshot_mb', rssMb(pid), 'MB');
    client.close();
  } finally {
    await ingestion.stop();
    await registry.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(`# load average at end: ${loadavg()[0]!.toFixed(2)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
