// Done-when test of issue 12 on the real broker, registry and ingestion processes: kcat produces the
// churn CSV as JSON plus 30 malformed records; the ingestion process is killed (-9) mid-stream and
// restarted on the same database; the snapshot holds exactly the valid rows, the DLQs exactly the 30
// with their reasons and original bytes, and DuckDB reads the exported Parquet back with equal values.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { ingestionClients, type IngestionClients } from '@keel/clients';
import { deadLetterTopic, ingestTopic, type ingestionV1 } from '@keel/contracts';
import {
  startBroker,
  startServiceProcess,
  waitFor,
  WORKSPACE_ROOT,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import { loadChurnRecords, MAX_RECORD_BYTES, type ChurnFixture } from './testing/churn-records';
import { createPgDatabase } from './testing/ingestion-harness';

const run = promisify(execFile);
const DATASET = 'churn';
const UNKNOWN = 'nosuch';

describe('ingestion service (broker, registry, ingestion processes)', () => {
  let f: ChurnFixture;
  let broker: TestBroker;
  let registry: ServiceProcess;
  let ingestion: ServiceProcess;
  let client: IngestionClients;
  let dir: string;
  let kafka: Kafka;

  const startIngestion = async () => {
    ingestion = await startServiceProcess('ingestion', {
      dataDir: join(dir, 'ingestion'),
      readyTimeoutMs: 120_000,
      env: {
        KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_INGESTION_MAX_RECORD_BYTES: String(MAX_RECORD_BYTES),
        KEEL_INGESTION_TOPIC_REFRESH_SECONDS: '1',
      },
    });
    client?.close();
    client = ingestionClients(ingestion.grpcAddress);
  };

  const kcat = (topic: string, lines: string[]) => {
    const file = join(dir, `${topic}-${Date.now()}.jsonl`);
    writeFileSync(file, lines.join('\n') + '\n');
    const r = spawnSync('kcat', ['-P', '-b', broker.brokers[0]!, '-t', topic, '-l', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  };

  const dataset = async () => (await client.datasets.GetDataset({ name: DATASET })) as ingestionV1.Dataset__Output;

  beforeAll(async () => {
    f = loadChurnRecords();
    dir = mkdtempSync(join(tmpdir(), 'keel-ingestion-it-'));
    broker = await startBroker();
    registry = await startServiceProcess('registry', {
      env: { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' },
      readyTimeoutMs: 120_000,
    });
    kafka = new Kafka({ clientId: 'ingestion-it', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await startIngestion();
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await ingestion?.stop();
    await registry?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should snapshot exactly the valid rows and dead-letter exactly the 30 malformed ones when killed mid-stream', async () => {
    await client.datasets.CreateDataset({
      name: DATASET,
      columns: f.schema.columns.map((c) => ({
        name: c.name,
        type: `COLUMN_TYPE_${c.type.toUpperCase()}` as ingestionV1.ColumnType,
        required: c.required,
        ...(c.min !== undefined ? { min: c.min } : {}),
        ...(c.max !== undefined ? { max: c.max } : {}),
        allowed: c.allowed ?? [],
      })),
      entityKey: 'CustomerID',
      target: 'Churn',
      policy: { everyRecords: 2000, intervalSeconds: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: ingestTopic(UNKNOWN), numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    // The stream: valid rows with a malformed record every ~200 rows; the second half is sent while the
    // ingestion process is dead.
    const known = f.malformed.filter((m) => !m.unknownDataset);
    const stream: string[] = [];
    f.valid.forEach((v, i) => {
      stream.push(v);
      if (i % 210 === 0 && known.length > 0) stream.push(known.shift()!.text);
    });
    stream.push(...known.map((m) => m.text));
    const half = Math.floor(stream.length / 2);
    kcat(ingestTopic(DATASET), stream.slice(0, half));
    kcat(
      ingestTopic(UNKNOWN),
      f.malformed.filter((m) => m.unknownDataset).map((m) => m.text),
    );
    await waitFor(async () => Number((await dataset()).accepted) > 0, { timeoutMs: 60_000, intervalMs: 20 });
    await ingestion.stop('SIGKILL');
    kcat(ingestTopic(DATASET), stream.slice(half));
    await startIngestion();

    const expectedRejected = f.malformed.filter((m) => !m.unknownDataset).length;
    await waitFor(
      async () => {
        const d = await dataset();
        return Number(d.accepted) + Number(d.rejected) === f.valid.length + expectedRejected;
      },
      { timeoutMs: 120_000, what: 'every record accepted or rejected' },
    );
    const d = await dataset();
    expect(Number(d.accepted)).toBe(f.valid.length);
    expect(Number(d.rejected)).toBe(expectedRejected);

    const snapshot = (await client.datasets.CreateSnapshot({
      dataset: DATASET,
      wait: true,
    })) as ingestionV1.Snapshot__Output;
    expect(Number(snapshot.rows)).toBe(f.valid.length);
    expect(snapshot.sha256).toMatch(/^[a-f0-9]{64}$/);
    const profile = JSON.parse(snapshot.profileJson) as {
      columns: { name: string; nulls: number }[];
      reference?: { format: string };
    };
    expect(profile.reference?.format).toBe('keel.drift.reference-profile.v1');
    expect(profile.columns.find((c) => c.name === 'Tenure')?.nulls).toBe(264);

    // The dead-letter topics hold exactly the 30, with reason, field, source coordinates and original bytes.
    const dlq = await readDeadLetters(
      kafka,
      [deadLetterTopic(ingestTopic(DATASET)), deadLetterTopic(ingestTopic(UNKNOWN))],
      30,
    );
    const bySource = new Map(
      dlq.map((m) => [
        `${m.headers['keel_source_topic']}/${m.headers['keel_source_partition']}/${m.headers['keel_source_offset']}`,
        m,
      ]),
    );
    expect(bySource.size).toBe(30);
    const got = [...bySource.values()].map((m) => `${m.headers['keel_reason']} ${m.value}`).sort();
    expect(got).toEqual(f.malformed.map((m) => `${m.reason} ${m.text}`).sort());
    const unknownField = [...bySource.values()].find((m) => m.headers['keel_reason'] === 'not_allowed');
    expect(unknownField?.headers['keel_field']).toBe('Gender');

    // Exported through the CLI, read back by DuckDB (an independent reader), equal to the CSV.
    const out = join(dir, 'churn.parquet');
    const cli = await run(
      process.execPath,
      ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', 'dataset', 'export', DATASET, '--out', out, '--json'],
      {
        cwd: WORKSPACE_ROOT,
        env: {
          ...process.env,
          KEEL_INGESTION_ADDRESS: ingestion.grpcAddress,
          KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        },
      },
    );
    expect(JSON.parse(cli.stdout)).toMatchObject({ dataset: DATASET, version: snapshot.version, rows: f.valid.length });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${out}') ORDER BY CustomerID`);
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    conn.closeSync();
    db.closeSync();
    const numeric = new Set(f.schema.columns.filter((c) => c.type === 'numeric').map((c) => c.name));
    const expected = [...f.rows]
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map((row) =>
        Object.fromEntries(
          f.header.map((h, i) => [h, row[i] === '' ? null : numeric.has(h) ? Number(row[i]) : row[i]]),
        ),
      );
    expect(rows).toEqual(expected);
  }, 300_000);

  it('should create a dataset from a CSV and ingest the file through the CLI', async () => {
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, [f.header.join(','), ...f.rows.slice(0, 25).map((r) => r.join(','))].join('\n') + '\n');
    const keel = (...args: string[]) =>
      run(process.execPath, ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', ...args], {
        cwd: WORKSPACE_ROOT,
        env: {
          ...process.env,
          KEEL_INGESTION_ADDRESS: ingestion.grpcAddress,
          KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        },
      });
    const created = await keel(
      'dataset',
      'create',
      'small',
      '--from-csv',
      csv,
      '--target',
      'Churn',
      '--entity-key',
      'CustomerID',
      '--json',
    );
    const item = JSON.parse(created.stdout) as { columns: { name: string; type: string; required: boolean }[] };
    expect(item.columns.find((c) => c.name === 'Tenure')).toEqual({ name: 'Tenure', type: 'numeric', required: false });
    const sent = await keel('ingest', csv, '--dataset', 'small', '--key', 'CustomerID', '--json');
    expect(JSON.parse(sent.stdout)).toMatchObject({ dataset: 'small', rows: 25 });
    await waitFor(
      async () => {
        const listed = JSON.parse((await keel('dataset', 'list', '--json')).stdout) as {
          name: string;
          accepted: number;
        }[];
        return listed.find((d) => d.name === 'small')?.accepted === 25;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the 25 CLI-ingested rows accepted' },
    );
  }, 120_000);

  it('should snapshot only the rolling window when the dataset policy says so', async () => {
    const name = 'recent';
    await client.datasets.CreateDataset({
      name,
      columns: [
        { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
        { name: 'at', type: 'COLUMN_TYPE_TIMESTAMP', required: true },
        { name: 'y', type: 'COLUMN_TYPE_BOOLEAN', required: true },
      ],
      target: 'y',
      eventTime: 'at',
      policy: { windowRecords: 4, windowSeconds: 60 },
    });
    const t0 = Date.parse('2026-11-30T00:00:00Z');
    const rec = (id: number, s: number) => JSON.stringify({ id, at: new Date(t0 + s * 1000).toISOString(), y: true });
    const snapshotAfter = async (accepted: number) => {
      await waitFor(
        async () =>
          Number(((await client.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output).accepted) === accepted,
        { timeoutMs: 60_000, what: `${accepted} records accepted` },
      );
      const s = (await client.datasets.CreateSnapshot({ dataset: name, wait: true })) as ingestionV1.Snapshot__Output;
      return {
        rows: Number(s.rows),
        from: (Number(s.windowFromMs) - t0) / 1000,
        to: (Number(s.windowToMs) - t0) / 1000,
        parts: (JSON.parse(s.manifestJson) as { parts: unknown[] }).parts.length,
      };
    };
    // Time window: the newest is at 120 s, so records before 60 s are out.
    kcat(ingestTopic(name), [rec(1, 0), rec(2, 10), rec(3, 100), rec(4, 110), rec(5, 120)]);
    expect(await snapshotAfter(5)).toEqual({ rows: 3, from: 100, to: 120, parts: 1 });
    // Count window: seven records are within 60 s, the latest four remain (across two staged parts).
    kcat(ingestTopic(name), [rec(6, 121), rec(7, 122), rec(8, 123), rec(9, 124)]);
    expect(await snapshotAfter(9)).toEqual({ rows: 4, from: 121, to: 124, parts: 1 });
  }, 120_000);

  it('should wait out its database held locked past the busy timeout and stage every record exactly once', async () => {
    // Another process holds the SQLite file's write lock for longer than the service waits (10 s): the
    // staging worker's transactions fail, the consumer restarts from the committed offsets, and once the
    // lock is gone every record is staged once. Nothing is dead-lettered: an outage is not bad input.
    const name = 'locked';
    await client.datasets.CreateDataset({
      name,
      columns: [
        { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
        { name: 'x', type: 'COLUMN_TYPE_NUMERIC', required: false },
        { name: 'y', type: 'COLUMN_TYPE_BOOLEAN', required: true },
      ],
      target: 'y',
    });
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({
        topic: ingestTopic(name),
        messages: Array.from({ length: n }, (_, i) => ({
          value: JSON.stringify({ id: from + i, x: (from + i) / 7, y: (from + i) % 2 === 0 }),
        })),
      });
    await send(0, 3000);
    const accepted = async () =>
      Number(((await client.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output).accepted);
    await waitFor(async () => (await accepted()) === 3000, { timeoutMs: 60_000, what: 'the first 3,000 records' });
    const holder = new Database(join(dir, 'ingestion', 'ingestion.sqlite'), { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE');
    try {
      for (let k = 0; k < 6; k++) await send(3000 + k * 2000, 2000);
      await new Promise((r) => setTimeout(r, 12_000));
      expect(await accepted()).toBe(3000);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      await producer.disconnect();
    }
    await waitFor(async () => (await accepted()) === 15_000, { timeoutMs: 90_000, what: 'all 15,000 records' });
    const d = (await client.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output;
    expect({ accepted: Number(d.accepted), staged: Number(d.staged), rejected: Number(d.rejected) }).toEqual({
      accepted: 15_000,
      staged: 15_000,
      rejected: 0,
    });
    // Exactly once: the snapshot holds 15,000 rows, not one more.
    const s = (await client.datasets.CreateSnapshot({ dataset: name, wait: true })) as ingestionV1.Snapshot__Output;
    expect(Number(s.rows)).toBe(15_000);
  }, 180_000);

  it('should wait out a broker outage that fails its dead-lettering, losing and duplicating nothing', async () => {
    // Chunk A waits for the SQLite lock; chunk B (with 10 malformed records) queues behind it; the broker
    // is killed; the lock goes. B's dead letters cannot be sent: B is not staged, the consumer restarts (and
    // keeps retrying while the broker is away), and once the broker is back B is dead-lettered and staged.
    const name = 'outage';
    await client.datasets.CreateDataset({
      name,
      columns: [
        { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
        { name: 'y', type: 'COLUMN_TYPE_BOOLEAN', required: true },
      ],
      target: 'y',
    });
    const producer = kafka.producer();
    await producer.connect();
    const records = (from: number, n: number, bad = 0) =>
      Array.from({ length: n }, (_, i) => ({
        value:
          i < bad
            ? JSON.stringify({ id: `bad-${from + i}`, y: true })
            : JSON.stringify({ id: from + i, y: i % 2 === 0 }),
      }));
    const status = async () => {
      const d = (await client.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output;
      return { accepted: Number(d.accepted), rejected: Number(d.rejected), staged: Number(d.staged) };
    };
    const holder = new Database(join(dir, 'ingestion', 'ingestion.sqlite'), { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE');
    try {
      await producer.send({ topic: ingestTopic(name), messages: records(0, 1000) });
      await new Promise((r) => setTimeout(r, 1000));
      await producer.send({ topic: ingestTopic(name), messages: records(1000, 1010, 10) });
      await producer.disconnect();
      await new Promise((r) => setTimeout(r, 1000));
      await broker.kill();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await new Promise((r) => setTimeout(r, 8000));
    expect((await status()).rejected).toBe(0);
    await broker.restart();
    await waitFor(async () => (await status()).accepted === 2000, {
      timeoutMs: 120_000,
      what: 'all 2,000 valid records',
    });
    expect(await status()).toEqual({ accepted: 2000, rejected: 10, staged: 2000 });
    const consumer = kafka.consumer({ groupId: `outage-dlq-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic(ingestTopic(name)), fromBeginning: true });
    const offsets = new Set<string>();
    await consumer.run({
      eachMessage: async ({ message }) =>
        void offsets.add(`${message.headers?.['keel_source_partition']}/${message.headers?.['keel_source_offset']}`),
    });
    await waitFor(() => offsets.size >= 10, { timeoutMs: 30_000, what: 'the dead letters' });
    await consumer.disconnect();
    expect(offsets.size).toBe(10);
  }, 400_000);

  it('should let one of two ingestion processes on one PostgreSQL database build a snapshot at a time', async () => {
    const pg = await createPgDatabase();
    const replicas: ServiceProcess[] = [];
    const clients: IngestionClients[] = [];
    try {
      // Two OS processes: the same database and consumer group, their own data directories.
      for (const i of [1, 2]) {
        const p = await startServiceProcess('ingestion', {
          dataDir: join(dir, `replica-${i}`),
          readyTimeoutMs: 120_000,
          env: {
            KEEL_KAFKA_BROKERS: broker.brokers.join(','),
            KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
            KEEL_DATABASE_URL: pg.url,
            KEEL_INGESTION_GROUP: 'keel-ingestion-replicas',
            KEEL_LOG_LEVEL: 'warn',
            KEEL_INGESTION_TOPIC_REFRESH_SECONDS: '1',
          },
        });
        replicas.push(p);
        clients.push(ingestionClients(p.grpcAddress));
      }
      const [a, b] = clients as [IngestionClients, IngestionClients];
      const name = 'shared';
      await a.datasets.CreateDataset({
        name,
        columns: [
          { name: 'id', type: 'COLUMN_TYPE_NUMERIC', required: true },
          { name: 'y', type: 'COLUMN_TYPE_BOOLEAN', required: true },
        ],
        target: 'y',
      });
      const total = 2000;
      kcat(
        ingestTopic(name),
        Array.from({ length: total }, (_, i) => JSON.stringify({ id: i, y: i % 2 === 0 })),
      );
      await waitFor(
        async () => Number(((await b.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output).accepted) === total,
        { timeoutMs: 90_000, what: `${total} records accepted by the replicas` },
      );
      // Both ask at once: one builds under the lease, the other waits for it and finds nothing new.
      const [sa, sb] = (await Promise.all([
        a.datasets.CreateSnapshot({ dataset: name, wait: true }),
        b.datasets.CreateSnapshot({ dataset: name, wait: true }),
      ])) as ingestionV1.Snapshot__Output[];
      expect(Number(sa!.rows)).toBe(total);
      expect(sb!.sha256).toBe(sa!.sha256);
      const list = (await b.datasets.ListSnapshots({ dataset: name })) as ingestionV1.ListSnapshotsResponse__Output;
      expect(list.snapshots.map((s) => Number(s.rows))).toEqual([total]);
      expect((JSON.parse(sa!.manifestJson) as { parts: unknown[] }).parts).toHaveLength(1);
    } finally {
      for (const c of clients) c.close();
      for (const p of replicas) await p.stop();
      await pg.drop();
    }
  }, 240_000);
});

interface DeadLetter {
  value: string;
  headers: Record<string, string>;
}

async function readDeadLetters(kafka: Kafka, topics: string[], expected: number): Promise<DeadLetter[]> {
  const consumer = kafka.consumer({ groupId: `dlq-reader-${Date.now()}`, maxWaitTimeInMs: 200 });
  const seen: DeadLetter[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      seen.push({ value: message.value?.toString('utf8') ?? '', headers });
    },
  });
  try {
    // A dead letter sent just before a kill -9 may be sent again after the restart (docs/ingestion.md):
    // what counts is the distinct source coordinates.
    const distinct = () =>
      new Set(
        seen.map(
          (m) =>
            `${m.headers['keel_source_topic']}/${m.headers['keel_source_partition']}/${m.headers['keel_source_offset']}`,
        ),
      ).size;
    await waitFor(() => distinct() >= expected, { timeoutMs: 60_000, what: `${expected} distinct dead letters` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
