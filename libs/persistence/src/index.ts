// libs/persistence: TypeORM data sources for Keel services (SQLite by default, PostgreSQL by URL),
// migrations at start, the one SQLite write lock and the write transaction built on it, SQL helpers
// that run on both databases, column transformers, and the event tables (outbox, processed events).
// Test helpers live in the separate entry point @keel/persistence/testing.
export * from './database-options';
export * from './data-source';
export * from './database-lock';
export * from './write-transaction';
export * from './sql';
export * from './column-transformers';
export * from './event-tables';
