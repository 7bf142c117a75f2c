import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import { RegistryTokenVerifier } from '@keel/clients';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { ingestionSettings, type IngestionSettings } from './config';

export const ingestionService: ServiceDefinition<IngestionSettings> = {
  name: 'ingestion',
  settings: ingestionSettings,
  protos: GRPC_PACKAGE_PROTOS['keel.ingestion.v1'],
  module: () => AppModule,
  // With KEEL_AUTH=on, the bearer tokens this service receives are checked by the registry (cached).
  tokenVerifier: (c) => new RegistryTokenVerifier(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
};
