import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { ingestionSettings, type IngestionSettings } from './config';

export const ingestionService: ServiceDefinition<IngestionSettings> = {
  name: 'ingestion',
  settings: ingestionSettings,
  protos: [],
  module: () => AppModule,
};
