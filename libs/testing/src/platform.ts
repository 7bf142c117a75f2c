import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { freePort } from './ports';

/** KEEL_* port variables putting the broker and every service on free ports, for a `keel up` under test. */
export async function platformPortEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    KEEL_BROKER_PORT: String(await freePort()),
    KEEL_BROKER_HTTP_PORT: String(await freePort()),
    KEEL_SUPERVISOR_HTTP_PORT: String(await freePort()),
  };
  for (const service of Object.keys(DEFAULT_SERVICE_PORTS)) {
    env[`KEEL_${service.toUpperCase()}_GRPC_PORT`] = String(await freePort());
    env[`KEEL_${service.toUpperCase()}_HTTP_PORT`] = String(await freePort());
  }
  return env;
}

/** The process ids in the endpoint table `keel up` prints once everything is ready. */
export function pidsFromEndpointTable(output: string): Record<string, number> {
  const names = ['broker', ...Object.keys(DEFAULT_SERVICE_PORTS)].join('|');
  const rows = output.matchAll(new RegExp(`^(${names})\\s+\\S+\\s+\\S+\\s+(\\d+)\\s*$`, 'gm'));
  return Object.fromEntries([...rows].map((m) => [m[1], Number(m[2])]));
}
