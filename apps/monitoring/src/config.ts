import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the monitoring service reads (documented in docs/configuration.md). */
export const monitoringSettings = {
  ...serviceSettings('monitoring', DEFAULT_SERVICE_PORTS.monitoring),
};

export type MonitoringSettings = typeof monitoringSettings;
