import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { ProcessState, ProcessStatus } from './up-supervisor';

const STATES: ProcessState[] = ['starting', 'ready', 'backoff', 'failed', 'stopped'];

/**
 * The supervisor's own endpoint: GET /status (JSON that `keel status` reads) and GET /metrics
 * (Prometheus: state, uptime and restarts per process), so a dashboard sees restarts on a laptop as it
 * would see pod restarts in a cluster.
 */
export async function startStatusServer(
  host: string,
  port: number,
  status: () => ProcessStatus[],
): Promise<{ url: string; close(): Promise<void> }> {
  const registry = new Registry();
  const labels = ['process'] as const;
  new Gauge({
    name: 'keel_supervisor_restarts_total',
    help: 'Restarts of the process by the supervisor since keel up started',
    labelNames: labels,
    registers: [registry],
    collect() {
      for (const s of status()) this.set({ process: s.name }, s.restarts);
    },
  });
  new Gauge({
    name: 'keel_supervisor_process_up',
    help: '1 while the process runs and has passed its readiness check',
    labelNames: labels,
    registers: [registry],
    collect() {
      for (const s of status()) this.set({ process: s.name }, s.state === 'ready' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'keel_supervisor_process_state',
    help: '1 for the state the process is in (starting, ready, backoff, failed, stopped)',
    labelNames: ['process', 'state'] as const,
    registers: [registry],
    collect() {
      for (const s of status())
        for (const state of STATES) this.set({ process: s.name, state }, s.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'keel_supervisor_process_uptime_seconds',
    help: 'Seconds since the current instance of the process was started',
    labelNames: labels,
    registers: [registry],
    collect() {
      for (const s of status()) this.set({ process: s.name }, s.uptimeSeconds ?? 0);
    },
  });

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/status') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ processes: status() }));
      } else if (req.method === 'GET' && req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /status or /metrics\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as { port: number };
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
