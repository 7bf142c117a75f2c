import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { registrySettings, type RegistrySettings } from './config';

export const registryService: ServiceDefinition<RegistrySettings> = {
  name: 'registry',
  settings: registrySettings,
  protos: GRPC_PACKAGE_PROTOS['keel.registry.v1'],
  module: () => AppModule,
};
