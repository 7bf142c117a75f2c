import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const AuditErrorCode = {
  InvalidArgument: 'AUDIT_INVALID_ARGUMENT',
} as const;
export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

const KINDS: ErrorKindTable<AuditErrorCode> = {
  AUDIT_INVALID_ARGUMENT: 'invalid',
};

export class AuditError extends DomainError<AuditErrorCode> {
  constructor(code: AuditErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const auditInput = validator((field, message) => new AuditError('AUDIT_INVALID_ARGUMENT', message, field));
