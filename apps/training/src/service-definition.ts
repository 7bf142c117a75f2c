import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import { RegistryTokenVerifier } from '@keel/clients';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { trainingSettings, type TrainingSettings } from './config';

export const trainingService: ServiceDefinition<TrainingSettings> = {
  name: 'training',
  settings: trainingSettings,
  protos: GRPC_PACKAGE_PROTOS['keel.training.v1'],
  module: () => AppModule,
  // With KEEL_AUTH=on, the bearer tokens this service receives are checked by the registry (cached).
  tokenVerifier: (c) => new RegistryTokenVerifier(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
};
