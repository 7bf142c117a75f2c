import {
  grpcHealthCheck,
  isListening,
  listGrpcServices,
  startBroker,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '@keel/testing';

// Every service process, started from outside as an operator would, on free ports with its own data dir.
const SERVICES = ['registry', 'ingestion', 'training', 'inference', 'monitoring'] as const;

/**
 * What the services need to be ready: a broker (every service but the registry consumes events) and a
 * registry (monitoring and inference read the production aliases from it). Started once for the file.
 */
let deps: { env: Record<string, string>; stop(): Promise<void> };
beforeAll(async () => {
  const broker = await startBroker();
  const registry = await startServiceProcess('registry', { env: { KEEL_KAFKA_BROKERS: broker.brokers.join(',') } });
  deps = {
    env: { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_REGISTRY_ADDRESS: registry.grpcAddress },
    async stop() {
      await registry.stop('SIGKILL');
      await broker.stop();
    },
  };
}, 120_000);
afterAll(async () => {
  await deps?.stop();
});

describe.each(SERVICES)('%s service process', (name) => {
  let svc: ServiceProcess;
  beforeAll(async () => {
    // The registry under test runs alone: it needs no other process to be ready.
    svc = await startServiceProcess(name, { env: name === 'registry' ? {} : deps.env });
  });
  afterAll(async () => {
    await svc?.stop('SIGKILL');
  });

  it('should answer /healthz and /readyz with 200 when started', async () => {
    const health = await fetch(`${svc.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: name });
    const ready = await fetch(`${svc.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ service: name, ready: true });
  });

  it('should expose process and service metrics labelled with the service when scraped', async () => {
    const res = await fetch(`${svc.httpUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(new RegExp(`process_resident_memory_bytes\\{service="${name}"\\} \\d+`));
    expect(text).toMatch(new RegExp(`nodejs_eventloop_lag_seconds\\{service="${name}"\\}`));
    expect(text).toContain(`keel_service_ready{service="${name}"} 1`);
    expect(text).toMatch(new RegExp(`keel_service_start_seconds\\{service="${name}"\\} [0-9.]+`));
  });

  it('should answer SERVING to a gRPC health check and list its services through reflection', async () => {
    expect(await grpcHealthCheck(svc.grpcAddress)).toBe('SERVING');
    const services = await listGrpcServices(svc.grpcAddress);
    expect(services).toContain('grpc.health.v1.Health');
  });

  it('should log JSON lines carrying the service name', () => {
    const lines = svc
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    const started = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === `${name} started`);
    expect(started).toMatchObject({ service: name, level: 'info', grpcPort: svc.grpcPort, httpPort: svc.httpPort });
  });

  it('should open its database and run its migrations at start when it keeps state', () => {
    const opened = svc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'database open and migrated');
    if (name === 'inference') expect(opened).toBeUndefined();
    else expect(opened).toMatchObject({ database: 'better-sqlite3', migrations: expect.any(Number) as number });
    if (opened) expect(opened['migrations']).toBeGreaterThan(0);
  });

  it('should exit 0 within 10 s and free its ports when sent SIGTERM', async () => {
    const t0 = Date.now();
    const code = await svc.stop('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await isListening(svc.grpcPort)).toBe(false);
    expect(await isListening(svc.httpPort)).toBe(false);
  });
});

describe('service configuration', () => {
  it('should stop at start naming every bad variable when the configuration is invalid', async () => {
    const err = await startServiceProcess('registry', {
      env: { KEEL_REGISTRY_GRPC_PORT: 'abc', KEEL_LOG_LEVEL: 'loud' },
      readyTimeoutMs: 20_000,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain('registry exited with 1');
    expect(err?.message).toContain('KEEL_REGISTRY_GRPC_PORT: must be a TCP port number 0-65535, got "abc"');
    expect(err?.message).toContain('KEEL_LOG_LEVEL: must be one of');
  });

  it('should report not ready over HTTP and gRPC while shutting down', async () => {
    const svc = await startServiceProcess('monitoring', { env: deps.env });
    try {
      svc.child.kill('SIGTERM');
      await waitFor(async () => svc.child.exitCode !== null, { timeoutMs: 10_000, what: 'monitoring to exit' });
      expect(svc.child.exitCode).toBe(0);
      expect(svc.output()).toContain('shutting down: draining in-flight work');
    } finally {
      await svc.stop('SIGKILL');
    }
  });
});
