import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import { RegistryTokenVerifier } from '@keel/clients';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { inferenceSettings, type InferenceSettings } from './config';

export const inferenceService: ServiceDefinition<InferenceSettings> = {
  name: 'inference',
  settings: inferenceSettings,
  protos: GRPC_PACKAGE_PROTOS.inference,
  module: () => AppModule,
  // With KEEL_AUTH=on, the bearer tokens this service receives are checked by the registry (cached).
  tokenVerifier: (c) => new RegistryTokenVerifier(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
};
