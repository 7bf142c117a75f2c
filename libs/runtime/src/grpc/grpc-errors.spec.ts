import { status } from '@grpc/grpc-js';
import { DomainError, ERROR_KINDS, type ErrorKind } from '@keel/domain';
import { GRPC_STATUS_BY_KIND, toServiceError } from './grpc-errors';
import { HTTP_STATUS_BY_KIND, httpErrorOf } from '../http/http-errors';

class ProbeError extends DomainError<'PROBE_FAILED'> {
  constructor(kind: ErrorKind, field?: string) {
    super('PROBE_FAILED', kind, `probe: ${kind}`, field);
  }
}

describe('the transport tables', () => {
  it('should give every error kind a gRPC status and an HTTP status', () => {
    expect(Object.keys(GRPC_STATUS_BY_KIND).sort()).toEqual([...ERROR_KINDS].sort());
    expect(Object.keys(HTTP_STATUS_BY_KIND).sort()).toEqual([...ERROR_KINDS].sort());
  });

  it('should answer a domain error with its kind status, message and field when mapped for gRPC', () => {
    const mapped = toServiceError(new ProbeError('not-found', 'model'));
    expect([status[mapped.code], mapped.details]).toEqual(['NOT_FOUND', 'probe: not-found']);
    expect(mapped.metadata.get('keel-field')).toEqual(['model']);
    expect(status[toServiceError(new ProbeError('aborted')).code]).toBe('ABORTED');
    expect(status[toServiceError(new ProbeError('conflict')).code]).toBe('ALREADY_EXISTS');
  });

  it('should hide the detail of an unexpected error behind INTERNAL when mapped for gRPC', () => {
    const mapped = toServiceError(new Error('connection string postgres://secret'));
    expect([status[mapped.code], mapped.details]).toEqual(['INTERNAL', 'internal error']);
  });

  it('should answer an HTTP body with the message, code and field when mapped for HTTP', () => {
    expect(httpErrorOf(new ProbeError('invalid', 'inputs[0].shape'))).toEqual({
      status: 400,
      body: { error: 'probe: invalid', code: 'PROBE_FAILED', field: 'inputs[0].shape' },
    });
    expect(httpErrorOf(new ProbeError('unavailable')).status).toBe(503);
  });
});
