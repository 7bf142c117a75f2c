import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { monitoringSettings, type MonitoringSettings } from './config';

export const monitoringService: ServiceDefinition<MonitoringSettings> = {
  name: 'monitoring',
  settings: monitoringSettings,
  protos: ['keel/monitoring/v1/monitoring.proto'],
  module: () => AppModule,
};
