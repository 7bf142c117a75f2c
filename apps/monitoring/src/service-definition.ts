import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { monitoringSettings, type MonitoringSettings } from './config';

export const monitoringService: ServiceDefinition<MonitoringSettings> = {
  name: 'monitoring',
  settings: monitoringSettings,
  protos: [],
  module: () => AppModule,
};
