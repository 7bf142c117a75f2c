import type { trainingV1 } from '@keel/contracts';
import { serviceClient, type ClientOptions, type PromiseClient } from '../grpc-client';

/** The training service's gRPC API (keel.training.v1): jobs and policies, promotion. */
export interface TrainingClients {
  jobs: PromiseClient<trainingV1.TrainingServiceClient>;
  promotion: PromiseClient<trainingV1.PromotionServiceClient>;
  close(): void;
}

export function trainingClients(address: string, options: ClientOptions = {}): TrainingClients {
  const clients = {
    jobs: serviceClient('keel.training.v1.TrainingService', address, options),
    // Promote re-scores both models on the challenger's test rows: give it time.
    promotion: serviceClient('keel.training.v1.PromotionService', address, { deadlineMs: 120_000, ...options }),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.raw.close()) };
}
