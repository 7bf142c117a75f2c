import type { DataSource, EntityManager } from 'typeorm';
import { withDatabaseLock } from '@keel/event-bus';

/** A write transaction that takes turns with the outbox relay on SQLite (one shared connection). */
export function writeTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  return withDatabaseLock(dataSource, () => dataSource.transaction(fn));
}
