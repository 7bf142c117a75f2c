import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError, type ErrorKind } from '@keel/domain';
import type { Response } from 'express';

/** The HTTP transport's one table: every domain error kind has its status code. */
export const HTTP_STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  'failed-precondition': 400,
  aborted: 409,
  unavailable: 503,
  'data-loss': 500,
  unauthenticated: 401,
  'permission-denied': 403,
};

/** The body of an HTTP error: `error` as the Open Inference Protocol's REST errors, plus code and field. */
export interface HttpErrorBody {
  error: string;
  code: string;
  field?: string;
}

export function httpErrorOf(err: DomainError): { status: number; body: HttpErrorBody } {
  return {
    status: HTTP_STATUS_BY_KIND[err.kind],
    body: { error: err.message, code: err.code, ...(err.field ? { field: err.field } : {}) },
  };
}

/** Registered for every service's HTTP routes by RuntimeModule: a thrown DomainError answers its kind's status. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(err: DomainError, host: ArgumentsHost): void {
    const { status, body } = httpErrorOf(err);
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}
