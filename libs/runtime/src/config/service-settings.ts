import { authConfigCheck, authSettings } from '../auth/auth-settings';
import { kafkaConfigCheck, kafkaSettings } from './kafka-settings';
import { limitSettings } from './limit-settings';
import type { ConfigCheck } from './load-config';
import { setting, type ConfigOf, type Setting } from './settings';
import { tlsConfigCheck, tlsSettings } from './tls-settings';

export interface ServicePorts {
  grpc: number;
  http: number;
}

/** The variables every Keel service reads, named after the service (KEEL_REGISTRY_GRPC_PORT...), and Kafka's. */
export function serviceSettings(service: string, ports: ServicePorts) {
  const prefix = `KEEL_${service.toUpperCase()}`;
  return {
    host: setting.string('KEEL_HOST', 'Address the gRPC and HTTP servers bind to (0.0.0.0 in containers).', {
      default: '127.0.0.1',
    }),
    grpcPort: setting.port(
      `${prefix}_GRPC_PORT`,
      ports.grpc,
      `gRPC port of the ${service} service (0 picks a free one).`,
    ),
    httpPort: setting.port(
      `${prefix}_HTTP_PORT`,
      ports.http,
      `HTTP port of the ${service} service: /healthz, /readyz, /metrics.`,
    ),
    dataDir: setting.string(
      'KEEL_DATA_DIR',
      'Directory for everything this machine writes (SQLite files, artifacts).',
      { default: '.keel' },
    ),
    databaseUrl: setting.optionalUrl(
      'KEEL_DATABASE_URL',
      'PostgreSQL URL; when unset the service uses SQLite under KEEL_DATA_DIR.',
      ['postgres', 'postgresql'],
      { secret: true },
    ),
    logLevel: setting.oneOf(
      'KEEL_LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const,
      'info',
      'Minimum level of the JSON log lines.',
    ),
    shutdownTimeoutMs: setting.int(
      'KEEL_SHUTDOWN_TIMEOUT_MS',
      'How long a graceful shutdown may drain in-flight work before forcing.',
      { default: 8000, min: 100, max: 9500 },
    ),
    ...kafkaSettings(),
    ...tlsSettings(),
    ...authSettings(),
    ...limitSettings(),
  } satisfies Record<string, Setting<unknown>>;
}

export type ServiceSettings = ReturnType<typeof serviceSettings>;

/** The cross-variable rules of serviceSettings(); startService applies them to every service. */
export const serviceConfigChecks: readonly ConfigCheck<ConfigOf<ServiceSettings>>[] = [
  kafkaConfigCheck,
  tlsConfigCheck,
  authConfigCheck,
];
