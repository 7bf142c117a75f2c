import type { DataSource } from 'typeorm';

// better-sqlite3 gives every caller the same connection, so two transactions at once would nest as
// savepoints of each other. The bus serialises its own SQLite transactions per data source.
const chains = new WeakMap<DataSource, Promise<unknown>>();

export async function withDatabaseLock<T>(dataSource: DataSource, fn: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return fn();
  const previous = chains.get(dataSource) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  chains.set(dataSource, run.catch(() => undefined));
  return run;
}
