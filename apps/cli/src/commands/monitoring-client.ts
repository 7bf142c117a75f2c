// The CLI's client of keel.monitoring.v1: the address comes from the same variables the service reads
// (KEEL_MONITORING_ADDRESS, else 127.0.0.1 on KEEL_MONITORING_GRPC_PORT), gRPC errors become messages
// that say what to fix, with the exit code scripts can test (2: a bad argument, 1: anything else).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { bearerInterceptor, defaultCredentials } from '@keel/clients';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { PROTO_LOADER_OPTIONS, protoFiles, protoRoot } from '@keel/runtime';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

export function monitoringAddress(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['KEEL_MONITORING_ADDRESS'] ??
    `127.0.0.1:${env['KEEL_MONITORING_GRPC_PORT'] ?? DEFAULT_SERVICE_PORTS.monitoring.grpc}`
  );
}

type Call = (req: object) => Promise<unknown>;
export interface MonitoringClient {
  monitors: Record<'ListMonitors' | 'GetMonitor' | 'SetMonitor', Call>;
  drift: Record<'ListWindows' | 'GetDriftReport' | 'ListPerformance', Call>;
  alerts: Record<'ListAlerts' | 'ListDeliveries', Call>;
  close(): void;
}

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client;

export function monitoringClient(address = monitoringAddress()): MonitoringClient {
  const def = protoLoader.loadSync(protoFiles(['keel/monitoring/v1/monitoring.proto']), {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [protoRoot()],
  });
  const pkg = (grpc.loadPackageDefinition(def) as unknown as { keel: { monitoring: { v1: Record<string, Ctor> } } })
    .keel.monitoring.v1;
  const clients: grpc.Client[] = [];
  const wrap = <K extends string>(service: string, methods: readonly K[]): Record<K, Call> => {
    // TLS and the bearer token (KEEL_TOKEN) as every other client of @keel/clients.
    const token = process.env['KEEL_TOKEN'];
    const client = new pkg[service]!(address, defaultCredentials(), {
      interceptors: token ? [bearerInterceptor(token)] : [],
    });
    clients.push(client);
    const out = {} as Record<K, Call>;
    for (const m of methods) {
      out[m] = (req) =>
        new Promise((resolve, reject) =>
          (client as unknown as Record<string, (...a: unknown[]) => void>)[m]!.call(
            client,
            req,
            { deadline: Date.now() + 15_000 },
            (err: grpc.ServiceError | null, res: unknown) => (err ? reject(explain(err, address)) : resolve(res)),
          ),
        );
    }
    return out;
  };
  return {
    monitors: wrap('MonitorService', ['ListMonitors', 'GetMonitor', 'SetMonitor'] as const),
    drift: wrap('DriftService', ['ListWindows', 'GetDriftReport', 'ListPerformance'] as const),
    alerts: wrap('AlertService', ['ListAlerts', 'ListDeliveries'] as const),
    close: () => clients.forEach((c) => c.close()),
  };
}

function explain(err: grpc.ServiceError, address: string): CliError {
  switch (err.code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new CliError(
        `the monitoring service is not reachable at ${address} (${err.details}); start it (npm start) or set KEEL_MONITORING_ADDRESS`,
        1,
      );
    case grpc.status.INVALID_ARGUMENT:
      return new CliError(err.details, 2);
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.PERMISSION_DENIED:
      return new CliError(`${err.details} (the CLI sends KEEL_TOKEN)`, 1);
    default:
      return new CliError(err.details || err.message, 1);
  }
}

/** Runs a command body with a client, always closing it. */
export async function withMonitoring<T>(fn: (c: MonitoringClient) => Promise<T>): Promise<T> {
  const c = monitoringClient();
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns for human output. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
