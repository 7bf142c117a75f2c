import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const LineageErrorCode = {
  InvalidArgument: 'LINEAGE_INVALID_ARGUMENT',
  SnapshotNotFound: 'LINEAGE_SNAPSHOT_NOT_FOUND',
} as const;
export type LineageErrorCode = (typeof LineageErrorCode)[keyof typeof LineageErrorCode];

const KINDS: ErrorKindTable<LineageErrorCode> = {
  LINEAGE_INVALID_ARGUMENT: 'invalid',
  LINEAGE_SNAPSHOT_NOT_FOUND: 'not-found',
};

export class LineageError extends DomainError<LineageErrorCode> {
  constructor(code: LineageErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const lineageInput = validator((field, message) => new LineageError('LINEAGE_INVALID_ARGUMENT', message, field));
