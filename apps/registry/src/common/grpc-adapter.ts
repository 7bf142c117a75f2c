import type { ServerUnaryCall, UntypedHandleCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { unary } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { registryErrorMapper } from './grpc-status.mapper';

type UnaryHandlers = Record<string, (request: never, call: ServerUnaryCall<never, unknown>) => Promise<unknown>>;

/** Wraps a context's async unary handlers with the registry's error mapper; unexpected errors are logged. */
export function unaryHandlers(handlers: UnaryHandlers, logger: Logger): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    out[name] = unary(handler, registryErrorMapper, (err) =>
      logger.error({ err, method: name }, 'unexpected error in gRPC handler'),
    ) as UntypedHandleCall;
  }
  return out;
}
