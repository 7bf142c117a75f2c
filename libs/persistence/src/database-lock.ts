import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

// better-sqlite3 gives every caller of one data source the same connection: two transactions at once
// nest as savepoints of each other, and any statement run meanwhile joins the open transaction (and
// rolls back with it). A second connection does not help: better-sqlite3 waits for SQLite's lock
// synchronously, blocking the event loop the lock holder needs. So everything that writes to, or must
// not read uncommitted rows from, one SQLite data source takes turns here: the service's transactions,
// the outbox relay and the idempotent consumer. On PostgreSQL every caller has its own connection.
const chains = new WeakMap<DataSource, Promise<unknown>>();

/** Set while fn runs under the lock, so work it starts itself does not wait for its own lock. */
interface Holder {
  dataSource: DataSource;
  held: boolean;
}
const holders = new AsyncLocalStorage<Holder[]>();

/** True when the caller runs inside withDatabaseLock for this data source. */
export function holdsDatabaseLock(dataSource: DataSource): boolean {
  return (holders.getStore() ?? []).some((h) => h.held && h.dataSource === dataSource);
}

/**
 * Runs fn when no other locked work on this SQLite data source is running (a no-op on PostgreSQL).
 * Re-entrant: a call made from inside fn (say a service transaction run by a transactional event
 * handler) runs at once as part of the outer work instead of deadlocking on it.
 */
export async function withDatabaseLock<T>(dataSource: DataSource, fn: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3' || holdsDatabaseLock(dataSource)) return fn();
  const holder: Holder = { dataSource, held: false };
  const locked = async () => {
    holder.held = true;
    try {
      return await holders.run([...(holders.getStore() ?? []), holder], fn);
    } finally {
      holder.held = false;
    }
  };
  const previous = chains.get(dataSource) ?? Promise.resolve();
  const run = previous.then(locked, locked);
  chains.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
