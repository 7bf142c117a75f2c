import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { isDomainError, type ErrorKind } from '@keel/domain';

/** The gRPC transport's one table: every domain error kind has its status code. */
export const GRPC_STATUS_BY_KIND: Readonly<Record<ErrorKind, status>> = {
  invalid: status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  conflict: status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  aborted: status.ABORTED,
  unavailable: status.UNAVAILABLE,
  'data-loss': status.DATA_LOSS,
  unauthenticated: status.UNAUTHENTICATED,
  'permission-denied': status.PERMISSION_DENIED,
};

/** An error with its gRPC status; the offending field travels in the `keel-field` trailer. */
export class GrpcStatusError extends Error implements Partial<ServiceError> {
  readonly metadata = new Metadata();
  constructor(
    readonly code: status,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
    if (field) this.metadata.set('keel-field', field);
  }
  get details(): string {
    return this.message;
  }
}

/**
 * A DomainError becomes its kind's status with its message and field; anything else is INTERNAL with a
 * generic message (the detail stays in the log, not on the wire).
 */
export function toServiceError(err: unknown): GrpcStatusError {
  if (err instanceof GrpcStatusError) return err;
  if (isDomainError(err)) return new GrpcStatusError(GRPC_STATUS_BY_KIND[err.kind], err.message, err.field);
  return new GrpcStatusError(status.INTERNAL, 'internal error');
}

/** True for errors a caller did not cause: they are logged with their stack. */
export function isUnexpected(err: unknown): boolean {
  return !(err instanceof GrpcStatusError) && !isDomainError(err);
}
