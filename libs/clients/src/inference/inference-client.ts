import type { inference } from '@keel/contracts';
import { serviceClient, type ClientOptions, type PromiseClient } from '../grpc-client';

/** The inference service's Open Inference Protocol API (package inference) for the CLI, tests and benches. */
export type InferenceClient = PromiseClient<inference.GRPCInferenceServiceClient> & { close(): void };

export function inferenceClient(address: string, options: ClientOptions = {}): InferenceClient {
  const client = serviceClient('inference.GRPCInferenceService', address, options);
  return Object.assign(client, { close: () => client.raw.close() });
}
