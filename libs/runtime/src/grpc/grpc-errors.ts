import { Metadata, status, type ServiceError, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';

/** An error already translated to a gRPC status by a context's transport mapper. */
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

export type ErrorMapper = (err: unknown) => GrpcStatusError | undefined;

/** Unknown errors become INTERNAL with a generic message; the detail stays in the log, not on the wire. */
export function toServiceError(err: unknown, mapper?: ErrorMapper): GrpcStatusError {
  if (err instanceof GrpcStatusError) return err;
  return mapper?.(err) ?? new GrpcStatusError(status.INTERNAL, 'internal error');
}

/** Adapts an async unary handler to grpc-js, mapping thrown errors through the context's mapper. */
export function unary<Req, Res>(
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
  mapper?: ErrorMapper,
  onUnexpected?: (err: unknown) => void,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    handler(call.request, call).then(
      (res) => callback(null, res),
      (err: unknown) => {
        const mapped = toServiceError(err, mapper);
        if (mapped.code === status.INTERNAL && !(err instanceof GrpcStatusError)) onUnexpected?.(err);
        callback(mapped);
      },
    );
  };
}
