import type { DataSource } from 'typeorm';

// better-sqlite3 gives every caller the same connection, so two transactions at once would nest as
// savepoints of each other, and any write made meanwhile would join the open transaction. A second
// connection does not help: better-sqlite3 waits for SQLite's lock synchronously, blocking the event
// loop the lock holder needs. So transactions on one SQLite data source take turns in-process.
const chains = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs fn when no other locked work on this SQLite data source is running (a no-op on PostgreSQL).
 * Consumer chunks and the outbox relay use it; wrap a service's own transactions in it too when they
 * run in a process that also consumes with dedupe on SQLite.
 */
export async function withDatabaseLock<T>(dataSource: DataSource, fn: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return fn();
  const previous = chains.get(dataSource) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  chains.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
