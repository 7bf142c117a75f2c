import type { DataSource, EntityManager } from 'typeorm';
import { holdsDatabaseLock, withDatabaseLock } from './database-lock';

/**
 * A service's write transaction. On SQLite it takes the data source's one write lock (shared with the
 * outbox relay and idempotent consumers), so no other statement can join it or read its uncommitted
 * rows; PostgreSQL gets real concurrent transactions. Inside a locked section (a transactional event
 * handler) it nests as a savepoint of the enclosing transaction.
 */
export function writeTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3' || holdsDatabaseLock(dataSource))
    return withDatabaseLock(dataSource, () => dataSource.transaction(fn));
  return withDatabaseLock(dataSource, () =>
    dataSource.transaction(async (manager) => {
      // TypeORM begins SQLite transactions DEFERRED: they read from a snapshot and ask for the write lock
      // at their first write. When another connection to the file (the ingestion staging worker's) has
      // committed in between, SQLite refuses that upgrade with SQLITE_BUSY_SNAPSHOT, which no busy
      // timeout waits out. A write first (matching no row) takes the lock at once, waiting like any write.
      const lock = await lockStatement(dataSource, manager);
      if (lock) await manager.query(lock);
      return fn(manager);
    }),
  );
}

const lockStatements = new WeakMap<DataSource, Promise<string | null>>();

/** A write that changes nothing, on the migrations table (null when the database has none). */
function lockStatement(dataSource: DataSource, manager: EntityManager): Promise<string | null> {
  let statement = lockStatements.get(dataSource);
  if (!statement) {
    const table = dataSource.options.migrationsTableName ?? 'migrations';
    statement = manager
      .query(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table])
      .then((rows: unknown[]) => (rows.length ? `UPDATE "${table}" SET id = id WHERE 0 = 1` : null))
      .catch(() => {
        lockStatements.delete(dataSource);
        return null;
      });
    lockStatements.set(dataSource, statement);
  }
  return statement;
}
