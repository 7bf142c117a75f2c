import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the ingestion service reads (documented in docs/configuration.md). */
export const ingestionSettings = {
  ...serviceSettings('ingestion', DEFAULT_SERVICE_PORTS.ingestion),
};

export type IngestionSettings = typeof ingestionSettings;
