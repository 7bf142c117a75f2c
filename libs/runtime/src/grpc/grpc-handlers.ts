import type * as grpc from '@grpc/grpc-js';
import { principalOfCall } from '../auth/grpc-auth';
import { runAsPrincipal } from '../auth/principal';
import type { AccessRule } from '../auth/scopes';
import { isUnexpected, toServiceError } from './grpc-errors';

// Adapters write each method of a generated `…Handlers` interface as an async function; the host turns
// it into grpc-js's callback form and maps thrown errors through the kind table (grpc-errors.ts).

export type KnownKeys<H> = keyof { [K in keyof H as string extends K ? never : K]: H[K] };

/** The async form of one generated handler type. */
export type AsyncHandler<T> =
  T extends grpc.handleUnaryCall<infer Req, infer Res>
    ? (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>
    : T extends grpc.handleClientStreamingCall<infer Req, infer Res>
      ? (call: grpc.ServerReadableStream<Req, Res>) => Promise<Res>
      : T extends grpc.handleServerStreamingCall<infer Req, infer Res>
        ? (call: grpc.ServerWritableStream<Req, Res>) => Promise<void>
        : T extends grpc.handleBidiStreamingCall<infer Req, infer Res>
          ? (call: grpc.ServerDuplexStream<Req, Res>) => Promise<void>
          : never;

/**
 * Every method of a generated `…Handlers` interface (e.g. registryV1.DatasetServiceHandlers), async:
 * unary and client-streaming methods resolve with the response, server-streaming ones when done.
 * A thrown DomainError becomes its status; anything else INTERNAL.
 */
export type AsyncHandlers<H> = { [K in KnownKeys<H>]: AsyncHandler<H[K]> };

/**
 * What each method of a generated `…Handlers` interface needs (a scope, or `public`/`health`/`metrics`),
 * declared beside the handlers: a method without a rule does not compile.
 */
export type RpcScopes<H> = { readonly [K in KnownKeys<H>]: AccessRule };

type AnyAsync = (...args: never[]) => Promise<unknown>;

/** grpc-js handlers for a service definition from its async handlers. */
export function adaptHandlers(
  definition: grpc.ServiceDefinition,
  handlers: Record<string, AnyAsync>,
  onUnexpected: (err: unknown, method: string) => void,
): grpc.UntypedServiceImplementation {
  const fail = (err: unknown, method: string) => {
    if (isUnexpected(err)) onUnexpected(err, method);
    return toServiceError(err);
  };
  const out: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const spec = definition[method];
    if (!spec) throw new Error(`gRPC method ${method} is not in the service definition`);
    const bare = handler as (...args: unknown[]) => Promise<unknown>;
    // The handler (and all it awaits) runs as the principal the auth interceptor verified for this call.
    const run = (...args: unknown[]): Promise<unknown> => {
      const principal = principalOfCall((args[args.length - 1] as { metadata?: grpc.Metadata }).metadata);
      return principal ? runAsPrincipal(principal, () => bare(...args)) : bare(...args);
    };
    if (!spec.responseStream) {
      const unary = !spec.requestStream;
      out[method] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        (unary ? run(call.request, call) : run(call)).then(
          (res) => callback(null, res),
          (err: unknown) => callback(fail(err, method)),
        );
      }) as grpc.UntypedHandleCall;
    } else {
      out[method] = ((call: grpc.ServerWritableStream<unknown, unknown>) => {
        run(call).then(
          () => undefined,
          // grpc-js turns an 'error' event on a server stream into the call's final status.
          (err: unknown) => call.emit('error', fail(err, method)),
        );
      }) as grpc.UntypedHandleCall;
    }
  }
  return out;
}
