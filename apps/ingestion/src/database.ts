import { AddIngestDedupe1764500000000 } from './common/dedupe.migration';
import { CreateIngestionTables1764400000000 } from './common/ingestion.migration';
import { AddStagedChunks1764600000000 } from './common/staged-chunks.migration';
import { AddStagedTraces1764500001000 } from './common/staged-traces.migration';

/** Ingestion's tables are reached with raw SQL (hot paths, both databases): migrations only, no entities. */
export const ingestionEntities = [];

export const ingestionMigrations = [
  CreateIngestionTables1764400000000,
  AddIngestDedupe1764500000000,
  AddStagedTraces1764500001000,
  AddStagedChunks1764600000000,
];
