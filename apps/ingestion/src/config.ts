import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the ingestion service reads (documented in docs/configuration.md). */
export const ingestionSettings = {
  ...serviceSettings('ingestion', { grpc: 50052, http: 9102 }),
};

export type IngestionSettings = typeof ingestionSettings;
