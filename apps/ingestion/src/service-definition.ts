import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { ingestionSettings, type IngestionSettings } from './config';

export const ingestionService: ServiceDefinition<IngestionSettings> = {
  name: 'ingestion',
  settings: ingestionSettings,
  protos: GRPC_PACKAGE_PROTOS['keel.ingestion.v1'],
  module: () => AppModule,
};
