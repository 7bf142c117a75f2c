// libs/telemetry: OpenTelemetry tracing bootstrap, the per-service Prometheus registry, span and
// histogram helpers, and trace-aware JSON logging.
export * from './tracing';
export * from './metrics';
export * from './logger';
export * from './otel-env';
export * from './stored-context';
