import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { registrySettings, type RegistrySettings } from './config';

export const registryService: ServiceDefinition<RegistrySettings> = {
  name: 'registry',
  settings: registrySettings,
  protos: [],
  module: () => AppModule,
};
