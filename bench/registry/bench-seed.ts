// BENCH_SEED=sql (the default): bulk-load runs and versions straight into the registry's tables (as an import or a
// restore would), instead of one gRPC call at a time, so 100k runs and 50k versions seed in seconds.
// The registry process is running meanwhile; on PostgreSQL it must notice the load and ANALYZE by itself.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';

type Row = unknown[];

export interface SqlSeeder {
  insert(table: string, columns: string[], rows: Row[]): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

const CHUNK = 500;

export async function openSeeder(target: { dataDir: string } | { databaseUrl: string }): Promise<SqlSeeder> {
  if ('databaseUrl' in target) {
    const client = new Client({ connectionString: target.databaseUrl, options: '-c search_path=registry' });
    await client.connect();
    const dollar = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    return {
      async insert(table, columns, rows) {
        await client.query('BEGIN');
        for (let i = 0; i < rows.length; i += CHUNK) {
          const part = rows.slice(i, i + CHUNK);
          const values = part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
          await client.query(dollar(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`), part.flat());
        }
        await client.query('COMMIT');
      },
      async query<T>(sql: string, params: unknown[] = []) {
        return (await client.query(dollar(sql), params)).rows as T[];
      },
      close: () => client.end(),
    };
  }
  const db = new Database(join(target.dataDir, 'registry.sqlite'), { timeout: 10_000 });
  db.pragma('foreign_keys = ON');
  return {
    async insert(table, columns, rows) {
      const one = db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      db.transaction((all: Row[]) => {
        for (const r of all) one.run(...r);
      }).immediate(rows);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const statement = db.prepare(sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as T[];
    },
    async close() {
      db.close();
    },
  };
}

/** The same data the API seeding writes: params, a tag and two metrics (series point + latest) per run. */
export async function seedRuns(seeder: SqlSeeder, experimentId: string, count: number): Promise<void> {
  const now = Date.now();
  const ids = Array.from({ length: count }, () => randomUUID());
  const metric = (i: number, key: string) => (key === 'auc' ? ((i * 7919) % 10_000) / 10_000 : Math.random());
  await seeder.insert(
    'runs',
    ['id', 'experiment_id', 'name', 'status', 'start_time', 'end_time', 'snapshot_sha256'],
    ids.map((id, i) => [id, experimentId, `run-${i}`, 'RUNNING', now + i, null, null]),
  );
  await seeder.insert(
    'run_params',
    ['run_id', 'key', 'value'],
    ids.map((id, i) => [id, 'depth', String(i % 12)]),
  );
  await seeder.insert(
    'run_tags',
    ['run_id', 'key', 'value'],
    ids.map((id, i) => [id, 'team', i % 2 ? 'a' : 'b']),
  );
  const points = ids.flatMap((id, i) => ['auc', 'loss'].map((key) => [id, key, metric(i, key), 0, now]));
  await seeder.insert('run_metrics', ['run_id', 'key', 'value', 'step', 'logged_at'], points);
  await seeder.insert('run_latest_metrics', ['run_id', 'key', 'value', 'step', 'logged_at'], points);
}

/** Copies version 1 of `model` into versions 2..count (fresh ids and artifact digests). */
export async function seedVersions(seeder: SqlSeeder, model: string, count: number): Promise<void> {
  const [template] = await seeder.query<Record<string, unknown>>(
    'SELECT v.* FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE m.name = ? AND v.version = 1',
    [model],
  );
  if (!template) throw new Error(`model ${model} has no version 1 to copy`);
  const columns = Object.keys(template);
  const rows = Array.from({ length: count - 1 }, (_, n) => {
    const version = n + 2;
    const row: Record<string, unknown> = {
      ...template,
      id: randomUUID(),
      version,
      artifact_sha256: version.toString(16).padStart(64, '0'),
      artifact_uri: `s3://bench/${version}`,
    };
    return columns.map((c) => row[c]);
  });
  await seeder.insert('model_versions', columns, rows);
  await seeder.query('UPDATE registered_models SET latest_version = ? WHERE name = ?', [count, model]);
}
