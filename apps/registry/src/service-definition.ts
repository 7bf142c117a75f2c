import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { registrySettings, type RegistrySettings } from './config';

export const registryService: ServiceDefinition<RegistrySettings> = {
  name: 'registry',
  settings: registrySettings,
  protos: [
    'keel/registry/v1/datasets.proto',
    'keel/registry/v1/runs.proto',
    'keel/registry/v1/models.proto',
    'keel/registry/v1/lineage.proto',
    'keel/registry/v1/artifacts.proto',
  ],
  module: () => AppModule,
};
