import { status, type ServiceError } from '@grpc/grpc-js';

/** Awaits a call that must fail with `code`, and checks the keel-field trailer when a field is given. */
export async function expectGrpcStatus(call: Promise<unknown>, code: status, field?: string): Promise<ServiceError> {
  let error: ServiceError | undefined;
  try {
    await call;
  } catch (err) {
    error = err as ServiceError;
  }
  if (!error) throw new Error(`expected ${status[code]} but the call succeeded`);
  expect(status[error.code]).toBe(status[code]);
  if (field !== undefined) expect(error.metadata.get('keel-field')).toEqual([field]);
  return error;
}
