import * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../grpc/grpc-errors';
import type { AuthGate } from './auth-gate';
import type { Principal } from './principal';
import type { AccessRule } from './scopes';

// The principal travels from the interceptor to the handler with the request's metadata object, which
// grpc-js hands on unchanged; a WeakMap keeps it off the wire and forgets it with the call.
const principals = new WeakMap<grpc.Metadata, Principal>();

/** The principal the auth interceptor verified for a call's metadata, if any. */
export function principalOfCall(metadata: grpc.Metadata | undefined): Principal | undefined {
  return metadata ? principals.get(metadata) : undefined;
}

/** Methods served by grpc-js's own helpers: health follows KEEL_AUTH_OPEN, reflection needs `read`. */
export const BUILT_IN_RULES: ReadonlyMap<string, AccessRule> = new Map<string, AccessRule>([
  ['/grpc.health.v1.Health/Check', 'health'],
  ['/grpc.health.v1.Health/Watch', 'health'],
  ['/grpc.health.v1.Health/List', 'health'],
  ['/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', 'read'],
  ['/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo', 'read'],
]);

/**
 * One server interceptor for every method on the port: finds the method's rule (a method without one
 * needs `admin`: closed by default), checks the bearer token before the handler sees the call, and
 * answers UNAUTHENTICATED, PERMISSION_DENIED or UNAVAILABLE itself.
 */
export function authInterceptor(gate: AuthGate, rules: ReadonlyMap<string, AccessRule>): grpc.ServerInterceptor {
  return (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            if (!gate.enabled) return mdNext(metadata);
            const header = metadata.get('authorization')[0];
            gate
              .authenticate(header === undefined ? undefined : String(header), rules.get(method.path) ?? 'admin')
              .then(
                (principal) => {
                  if (principal) principals.set(metadata, principal);
                  mdNext(metadata);
                },
                (err: unknown) => {
                  const e = toServiceError(err);
                  call.sendStatus({ code: e.code, details: e.message, metadata: e.metadata });
                },
              );
          },
        }),
    });
}
