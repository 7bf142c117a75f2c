import { status, type ServiceError } from '@grpc/grpc-js';

/** Awaits a call that must fail with `code`; checks the keel-field trailer (and, for INVALID_ARGUMENT, that the message names it). */
export async function expectStatus(call: Promise<unknown>, code: status, field?: string): Promise<ServiceError> {
  let error: ServiceError | undefined;
  try {
    await call;
  } catch (err) {
    error = err as ServiceError;
  }
  if (!error) throw new Error(`expected ${status[code]} but the call succeeded`);
  expect(status[error.code]).toBe(status[code]);
  if (field !== undefined) {
    expect(error.metadata.get('keel-field')).toEqual([field]);
    if (code === status.INVALID_ARGUMENT) expect(error.details).toContain(field);
  }
  return error;
}

export const sha = (c: string): string => c.repeat(64).slice(0, 64);
