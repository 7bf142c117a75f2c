import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { assertSchemaName, databaseKind, type DatabaseOptions } from './database-options';

/** Builds (but does not open) the TypeORM data source for a service: SQLite by default, PostgreSQL when a URL is set. */
export function createDataSource(options: DatabaseOptions): DataSource {
  const common = {
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'keel_migrations',
    synchronize: options.synchronize ?? false,
    migrationsRun: false,
    logging: options.logging ?? false,
  };
  if (databaseKind(options) === 'postgres') {
    const schema = assertSchemaName(options.schema ?? options.service.replace(/-/g, '_'));
    const config: DataSourceOptions = {
      ...common,
      type: 'postgres',
      url: options.databaseUrl,
      schema,
      applicationName: `keel-${options.service}`,
      // Raw SQL in migrations and repositories resolves unqualified names in the service's schema.
      extra: { options: sessionOptions(schema, options.postgresSettings), max: 10 },
    };
    return new DataSource(config);
  }
  mkdirSync(options.dataDir, { recursive: true });
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: join(options.dataDir, `${options.service}.sqlite`),
    enableWAL: true,
    timeout: 10_000,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      // Before TypeORM switches the file to WAL: a new database takes the page size, an existing one ignores it.
      if (options.sqlitePageSize !== undefined) db.pragma(`page_size = ${sqlitePageSize(options.sqlitePageSize)}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  });
}

function sqlitePageSize(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 512 || bytes > 65536 || (bytes & (bytes - 1)) !== 0)
    throw new Error(`invalid SQLite page size ${bytes}: a power of two from 512 to 65536`);
  return bytes;
}

/** libpq `options`: the schema as search path, then the service's own session settings. */
function sessionOptions(schema: string, settings: Record<string, string> = {}): string {
  return [`-c search_path=${schema}`]
    .concat(
      Object.entries(settings).map(([name, value]) => {
        if (!/^[a-z_.]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value))
          throw new Error(`invalid PostgreSQL setting ${name}=${value}`);
        return `-c ${name}=${value}`;
      }),
    )
    .join(' ');
}

/** Opens the database and brings its schema up to date with the service's migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (databaseKind(options) === 'postgres') await ensureSchema(options);
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    if (!options.synchronize) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/** Cheap liveness probe for readiness checks. */
export async function pingDatabase(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) throw new Error('database is not open');
  await dataSource.query('SELECT 1');
}

async function ensureSchema(options: DatabaseOptions): Promise<void> {
  const schema = assertSchemaName(options.schema ?? options.service.replace(/-/g, '_'));
  const admin = new DataSource({ type: 'postgres', url: options.databaseUrl });
  await admin.initialize();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await admin.destroy();
  }
}
