import { Client } from 'pg';

/** Creates a fresh database next to the one `url` names, hands its URL to `fn`, and drops it afterwards. */
export async function withFreshPostgresDatabase(url: string, fn: (dbUrl: string) => Promise<void>): Promise<void> {
  const name = `keel_bench_registry_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    try {
      await fn(dbUrl.toString());
    } finally {
      // BENCH_KEEP_DATABASE=1 keeps it for EXPLAIN ANALYZE afterwards (drop it yourself).
      if (process.env['BENCH_KEEP_DATABASE'] === '1') process.stdout.write(`# kept database ${name}\n`);
      else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
