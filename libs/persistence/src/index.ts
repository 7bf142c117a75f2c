// libs/persistence: TypeORM data sources for Keel services (SQLite by default, PostgreSQL by URL),
// migrations at start, and a helper that runs one repository suite against both databases.
export * from './database-options';
export * from './data-source';
export * from './testing/each-database';
export * from './event-tables';
