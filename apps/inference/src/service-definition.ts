import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { inferenceSettings, type InferenceSettings } from './config';

export const inferenceService: ServiceDefinition<InferenceSettings> = {
  name: 'inference',
  settings: inferenceSettings,
  protos: GRPC_PACKAGE_PROTOS.inference,
  module: () => AppModule,
};
