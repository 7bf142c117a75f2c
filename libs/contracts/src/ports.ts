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
