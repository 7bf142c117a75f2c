import type { registryV1 } from '@keel/contracts';
import { serviceClient, type ClientOptions, type PromiseClient } from '../grpc-client';

/**
 * The registry's gRPC API (keel.registry.v1) for apps, the CLI, tests and benches. The pattern for the
 * next services: one `<service>Clients(address)` returning a PromiseClient per gRPC service and close().
 */
export interface RegistryClients {
  datasets: PromiseClient<registryV1.DatasetServiceClient>;
  runs: PromiseClient<registryV1.RunServiceClient>;
  models: PromiseClient<registryV1.ModelServiceClient>;
  lineage: PromiseClient<registryV1.LineageServiceClient>;
  artifacts: PromiseClient<registryV1.ArtifactServiceClient>;
  auth: PromiseClient<registryV1.AuthServiceClient>;
  audit: PromiseClient<registryV1.AuditServiceClient>;
  close(): void;
}

export function registryClients(address: string, options: ClientOptions = {}): RegistryClients {
  const clients = {
    datasets: serviceClient('keel.registry.v1.DatasetService', address, options),
    runs: serviceClient('keel.registry.v1.RunService', address, options),
    models: serviceClient('keel.registry.v1.ModelService', address, options),
    lineage: serviceClient('keel.registry.v1.LineageService', address, options),
    artifacts: serviceClient('keel.registry.v1.ArtifactService', address, options),
    auth: serviceClient('keel.registry.v1.AuthService', address, options),
    audit: serviceClient('keel.registry.v1.AuditService', address, options),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.raw.close()) };
}
