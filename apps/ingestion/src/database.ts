import { CreateIngestionTables1764400000000 } from './common/ingestion.migration';

/** Ingestion's tables are reached with raw SQL (hot paths, both databases): migrations only, no entities. */
export const ingestionEntities = [];

export const ingestionMigrations = [CreateIngestionTables1764400000000];
