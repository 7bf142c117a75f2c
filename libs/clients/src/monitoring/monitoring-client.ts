import type { monitoringV1 } from '@keel/contracts';
import { serviceClient, type ClientOptions, type PromiseClient } from '../grpc-client';

/** The monitoring service's gRPC API (keel.monitoring.v1): monitors, drift windows, alerts. */
export interface MonitoringClients {
  monitors: PromiseClient<monitoringV1.MonitorServiceClient>;
  drift: PromiseClient<monitoringV1.DriftServiceClient>;
  alerts: PromiseClient<monitoringV1.AlertServiceClient>;
  close(): void;
}

export function monitoringClients(address: string, options: ClientOptions = {}): MonitoringClients {
  const clients = {
    monitors: serviceClient('keel.monitoring.v1.MonitorService', address, options),
    drift: serviceClient('keel.monitoring.v1.DriftService', address, options),
    alerts: serviceClient('keel.monitoring.v1.AlertService', address, options),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.raw.close()) };
}
