import type { ingestionV1 } from '@keel/contracts';
import { serviceClient, type ClientOptions, type PromiseClient } from '../grpc-client';

/** The ingestion service's gRPC API (keel.ingestion.v1): dataset schemas and snapshots. */
export interface IngestionClients {
  datasets: PromiseClient<ingestionV1.DatasetServiceClient>;
  close(): void;
}

export function ingestionClients(address: string, options: ClientOptions = {}): IngestionClients {
  const datasets = serviceClient('keel.ingestion.v1.DatasetService', address, options);
  return { datasets, close: () => datasets.raw.close() };
}
