import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the monitoring service reads (documented in docs/configuration.md). */
export const monitoringSettings = {
  ...serviceSettings('monitoring', { grpc: 50055, http: 9105 }),
};

export type MonitoringSettings = typeof monitoringSettings;
