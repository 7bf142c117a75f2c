import type { DataSource, EntityManager } from 'typeorm';

// better-sqlite3 gives every caller one shared connection: two transactions at once would nest as
// savepoints, and a plain write during another's transaction would roll back with it. So on SQLite the
// registry runs every write transaction one at a time; PostgreSQL gets real concurrent transactions.
const chains = new WeakMap<DataSource, Promise<unknown>>();

export function writeTransaction<T>(dataSource: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource.transaction(fn);
  const previous = chains.get(dataSource) ?? Promise.resolve();
  const run = previous.then(
    () => dataSource.transaction(fn),
    () => dataSource.transaction(fn),
  );
  chains.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
