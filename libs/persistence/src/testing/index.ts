// @keel/persistence/testing: run one suite against SQLite and PostgreSQL. Tests only: production code
// may not import this entry point (eslint no-restricted-imports, proven by the boundary probe test).
export * from './each-database';
export * from './private-postgres';
