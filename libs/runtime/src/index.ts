// libs/runtime: what every Keel service process shares — validated KEEL_* configuration, the gRPC host
// (health + reflection), /healthz /readyz /metrics, the database module, and start/stop.
export * from './config';
export * from './grpc';
export * from './health/readiness';
export * from './http/http-errors';
export * from './tokens';
export * from './auth';
export * from './runtime.module';
export * from './database/database.module';
export * from './logging/nest-logger';
export * from './bootstrap';
