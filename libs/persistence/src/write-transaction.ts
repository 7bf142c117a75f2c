import type { DataSource, EntityManager } from 'typeorm';
import { withDatabaseLock } from './database-lock';

/**
 * A service's write transaction. On SQLite it takes the data source's one write lock (shared with the
 * outbox relay and idempotent consumers), so no other statement can join it or read its uncommitted
 * rows; PostgreSQL gets real concurrent transactions. Inside a locked section (a transactional event
 * handler) it nests as a savepoint of the enclosing transaction.
 */
export function writeTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  return withDatabaseLock(dataSource, () => dataSource.transaction(fn));
}
