/**
 * Default ports of the platform, defined once: the services' configuration, `keel up` and the docs
 * derive from these (each is overridable through KEEL_<SERVICE>_GRPC_PORT / _HTTP_PORT).
 */
export const DEFAULT_SERVICE_PORTS = {
  registry: { grpc: 50051, http: 9101 },
  ingestion: { grpc: 50052, http: 9102 },
  training: { grpc: 50053, http: 9103 },
  inference: { grpc: 8001, http: 8000 },
  monitoring: { grpc: 50055, http: 9105 },
} as const;

export type ServiceName = keyof typeof DEFAULT_SERVICE_PORTS;

/** The embedded broker's Kafka listener and its /healthz + /metrics port. */
export const DEFAULT_BROKER_PORTS = { kafka: 9092, http: 9100 } as const;

/** `keel up`'s supervisor: /status (JSON, read by `keel status`) and /metrics (restarts, state, uptime). */
export const DEFAULT_SUPERVISOR_HTTP_PORT = 9099;

/**
 * Node (V8) options a service runs with, defined once: `keel up`, the test harness and benches
 * (libs/testing) and the image (docker-compose.yml's build argument, so Kubernetes too) start it with
 * these in NODE_OPTIONS, ahead of any the operator sets (a later option wins, so theirs override). The inference service gets a
 * young generation of up to 64 MB per semi-space (V8's default is 16 MB): at thousands of requests a
 * second its short-lived objects (decoded tensors, answers, prediction-log entries) then die young
 * instead of being scavenged again and again — about 20 % less CPU per 1-row request, no measurable
 * change per 100-row request (docs/benchmarks/inference.md).
 */
export const SERVICE_NODE_OPTIONS: Readonly<Record<ServiceName, string>> = {
  registry: '',
  ingestion: '',
  training: '',
  inference: '--max-semi-space-size=64',
  monitoring: '',
};

/**
 * A service's environment with its own Node options in NODE_OPTIONS, ahead of those already there; the
 * environment itself when the service has none.
 */
export function withServiceNodeOptions<E extends Record<string, string | undefined>>(service: ServiceName, env: E): E {
  const own = SERVICE_NODE_OPTIONS[service];
  if (!own) return env;
  const theirs = env['NODE_OPTIONS']?.trim();
  return { ...env, NODE_OPTIONS: theirs ? `${own} ${theirs}` : own };
}
