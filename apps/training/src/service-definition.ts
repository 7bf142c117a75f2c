import { GRPC_PACKAGE_PROTOS } from '@keel/contracts';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { trainingSettings, type TrainingSettings } from './config';

export const trainingService: ServiceDefinition<TrainingSettings> = {
  name: 'training',
  settings: trainingSettings,
  protos: GRPC_PACKAGE_PROTOS['keel.training.v1'],
  module: () => AppModule,
};
