// SQL that runs unchanged on SQLite and PostgreSQL: placeholders, unique violations, insert chunks.
import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

export function isPostgres(db: Db): boolean {
  const type = 'connection' in db ? db.connection.options.type : db.options.type;
  return type === 'postgres';
}

/** Raw SQL written with `?` placeholders, renumbered to `$n` for PostgreSQL. */
export function placeholders(db: Db, sql: string): string {
  if (!isPostgres(db)) return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export async function rawQuery<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(placeholders(db, sql), params)) as T[];
}

/** True for a unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const INSERT_CHUNK_ROWS = 500;

export function chunks<T>(items: T[], size = INSERT_CHUNK_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
