import { RegistryTokenVerifier } from '@keel/clients';
import type { ServiceDefinition } from '@keel/runtime';
import { AppModule } from './app.module';
import { monitoringSettings, type MonitoringSettings } from './config';

export const monitoringService: ServiceDefinition<MonitoringSettings> = {
  name: 'monitoring',
  settings: monitoringSettings,
  protos: ['keel/monitoring/v1/monitoring.proto'],
  module: () => AppModule,
  // With KEEL_AUTH=on, the bearer tokens this service receives are checked by the registry (cached).
  tokenVerifier: (c) => new RegistryTokenVerifier(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
};
