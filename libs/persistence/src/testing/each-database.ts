import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openDatabase } from '../data-source';
import type { DatabaseKind, EntityList, MigrationList } from '../database-options';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  kind: DatabaseKind;
  /** Options that open this same database again (for a second process or a restart). */
  options: { service: string; dataDir: string; databaseUrl?: string; schema?: string };
  dataSource(): DataSource;
}

export interface EachDatabaseOptions {
  entities: EntityList;
  migrations: MigrationList;
}

/**
 * Runs the same suite against SQLite and PostgreSQL, each in a fresh file or schema that is removed
 * afterwards. PostgreSQL comes from KEEL_TEST_DATABASE_URL (default: the local server); when it is not
 * reachable the suite fails rather than skips.
 */
export function describeEachDatabase(
  title: string,
  options: EachDatabaseOptions,
  suite: (db: TestDatabase) => void,
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, () => {
      const db = testDatabase(kind, options);
      beforeAll(() => db.open());
      afterAll(() => db.close());
      suite(db);
    });
  }
}

export function testDatabase(
  kind: DatabaseKind,
  options: EachDatabaseOptions,
): TestDatabase & { open(): Promise<void>; close(): Promise<void> } {
  const id = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-db-'));
  const databaseUrl =
    kind === 'postgres' ? (process.env['KEEL_TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL) : undefined;
  const connection = { service: id, dataDir, databaseUrl, schema: kind === 'postgres' ? id : undefined };
  let ds: DataSource | undefined;
  return {
    kind,
    options: connection,
    dataSource() {
      if (!ds) throw new Error('test database is not open yet (use it inside a test or hook)');
      return ds;
    },
    async open() {
      ds = await openDatabase({ ...connection, entities: options.entities, migrations: options.migrations });
    },
    async close() {
      if (ds?.isInitialized) {
        if (kind === 'postgres') await ds.query(`DROP SCHEMA IF EXISTS "${id}" CASCADE`);
        await ds.destroy();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
