import type { MixedList, EntitySchema } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type MigrationList = MixedList<Function | string>;

export interface DatabaseOptions {
  /** The owning service; names the SQLite file and the PostgreSQL schema. */
  service: string;
  /** Directory for the SQLite file (KEEL_DATA_DIR). */
  dataDir: string;
  /** PostgreSQL connection URL (KEEL_DATABASE_URL); SQLite when absent. */
  databaseUrl?: string;
  /** PostgreSQL schema; defaults to the service name so services sharing one database never collide. */
  schema?: string;
  entities: EntityList;
  migrations: MigrationList;
  /** Only for throwaway test databases: build the schema from entities instead of migrations. */
  synchronize?: boolean;
  logging?: boolean;
  /** PostgreSQL planner settings for every session of this service (e.g. random_page_cost). */
  postgresSettings?: Record<string, string>;
  /**
   * SQLite page size in bytes for a database this creates (an existing file keeps its own): larger pages
   * for a service that writes large rows (ingestion's staged chunks) mean fewer WAL frames per commit.
   */
  sqlitePageSize?: number;
}

export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(options: Pick<DatabaseOptions, 'databaseUrl'>): DatabaseKind {
  return options.databaseUrl ? 'postgres' : 'sqlite';
}

/** A PostgreSQL identifier we create ourselves: lower-case letters, digits and underscores only. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  }
  return schema;
}
