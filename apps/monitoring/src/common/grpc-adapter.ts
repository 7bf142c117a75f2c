// Monitoring's errors on the gRPC wire: one exhaustive code → status table, and the unary wrapper that
// applies it (unexpected errors are logged and answered INTERNAL).
import { status, type ServerUnaryCall, type UntypedHandleCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { GrpcStatusError, unary } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { MonitoringError, MonitoringErrorCode } from './monitoring.errors';

function statusOf(code: MonitoringErrorCode): status {
  switch (code) {
    case MonitoringErrorCode.InvalidArgument:
    case MonitoringErrorCode.InvalidPredictionLog:
      return status.INVALID_ARGUMENT;
    case MonitoringErrorCode.ModelNotMonitored:
    case MonitoringErrorCode.WindowNotFound:
      return status.NOT_FOUND;
    case MonitoringErrorCode.ReferenceUnavailable:
      return status.FAILED_PRECONDITION;
    case MonitoringErrorCode.RegistryUnavailable:
      return status.UNAVAILABLE;
  }
}

export function monitoringErrorMapper(err: unknown): GrpcStatusError | undefined {
  if (err instanceof MonitoringError) return new GrpcStatusError(statusOf(err.code), err.message, err.field);
  return undefined;
}

type UnaryHandlers = Record<string, (request: never, call: ServerUnaryCall<never, unknown>) => Promise<unknown>>;

export function unaryHandlers(handlers: UnaryHandlers, logger: Logger): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    out[name] = unary(handler, monitoringErrorMapper, (err) =>
      logger.error({ err, method: name }, 'unexpected error in gRPC handler'),
    ) as UntypedHandleCall;
  }
  return out;
}
