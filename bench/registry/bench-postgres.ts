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
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
