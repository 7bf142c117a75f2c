import { join } from 'node:path';
import {
  DEFAULT_BROKER_PORTS,
  DEFAULT_SERVICE_PORTS,
  DEFAULT_SUPERVISOR_HTTP_PORT,
  type ServiceName,
  withServiceNodeOptions,
} from '@keel/contracts';

/** One process the supervisor runs: where it lives, how it is started, and how to tell it is ready. */
export interface PlannedProcess {
  name: string;
  entry: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** URL that answers 200 once the process is ready. */
  readyUrl: string;
  endpoints: { grpc?: string; http: string; kafka?: string };
}

export const SERVICES = Object.keys(DEFAULT_SERVICE_PORTS) as ServiceName[];

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  // An invalid value is the service's to reject (it lists every problem); we only need a port to poll.
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

/** The broker first, then every service, all pointed at one data dir and at the broker. */
export function planPlatform(distDir: string, dataDir: string, env: NodeJS.ProcessEnv): PlannedProcess[] {
  const host = env['KEEL_HOST'] ?? '127.0.0.1';
  const shown = shownHost(env);
  const brokerPort = port(env, 'KEEL_BROKER_PORT', DEFAULT_BROKER_PORTS.kafka);
  const brokerHttp = port(env, 'KEEL_BROKER_HTTP_PORT', DEFAULT_BROKER_PORTS.http);
  const brokers = env['KEEL_KAFKA_BROKERS'] ?? `${shown}:${brokerPort}`;
  const shared = { ...env, KEEL_DATA_DIR: dataDir, KEEL_KAFKA_BROKERS: brokers };
  const broker: PlannedProcess = {
    name: 'broker',
    entry: join(distDir, 'broker', 'main.js'),
    args: [
      '--port',
      String(brokerPort),
      '--http-port',
      String(brokerHttp),
      '--data-dir',
      join(dataDir, 'broker'),
      '--host',
      host,
    ],
    env: shared,
    readyUrl: `http://${shown}:${brokerHttp}/healthz`,
    endpoints: { kafka: `${shown}:${brokerPort}`, http: `http://${shown}:${brokerHttp}` },
  };
  const services = SERVICES.map((name): PlannedProcess => {
    const upper = name.toUpperCase();
    const grpc = port(env, `KEEL_${upper}_GRPC_PORT`, DEFAULT_SERVICE_PORTS[name].grpc);
    const http = port(env, `KEEL_${upper}_HTTP_PORT`, DEFAULT_SERVICE_PORTS[name].http);
    return {
      name,
      entry: join(distDir, name, 'main.js'),
      args: [],
      env: withServiceNodeOptions(name, shared),
      readyUrl: `http://${shown}:${http}/readyz`,
      endpoints: { grpc: `${shown}:${grpc}`, http: `http://${shown}:${http}` },
    };
  });
  return [broker, ...services];
}

/** The address clients use for KEEL_HOST (a wildcard bind is reached on loopback). */
function shownHost(env: NodeJS.ProcessEnv): string {
  const host = env['KEEL_HOST'] || '127.0.0.1';
  return host === '0.0.0.0' ? '127.0.0.1' : host;
}

/** KEEL_SUPERVISOR_HTTP_PORT, or the default; an invalid value is added to `problems` when given. */
export function supervisorHttpPort(env: NodeJS.ProcessEnv, problems: string[] = []): number {
  const raw = env['KEEL_SUPERVISOR_HTTP_PORT'];
  if (raw === undefined || raw === '') return DEFAULT_SUPERVISOR_HTTP_PORT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`KEEL_SUPERVISOR_HTTP_PORT: expected a port number 0-65535, got "${raw}"`);
    return DEFAULT_SUPERVISOR_HTTP_PORT;
  }
  return n;
}

/** Where `keel up`'s supervisor answers /status and /metrics for the same KEEL_* variables. */
export function supervisorUrl(env: NodeJS.ProcessEnv): string {
  return `http://${shownHost(env)}:${supervisorHttpPort(env)}`;
}
