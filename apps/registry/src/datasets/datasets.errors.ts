import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const DatasetErrorCode = {
  InvalidArgument: 'DATASET_INVALID_ARGUMENT',
  DatasetNotFound: 'DATASET_NOT_FOUND',
  DatasetExists: 'DATASET_EXISTS',
  SnapshotNotFound: 'SNAPSHOT_NOT_FOUND',
  SnapshotExists: 'SNAPSHOT_EXISTS',
} as const;
export type DatasetErrorCode = (typeof DatasetErrorCode)[keyof typeof DatasetErrorCode];

const KINDS: ErrorKindTable<DatasetErrorCode> = {
  DATASET_INVALID_ARGUMENT: 'invalid',
  DATASET_NOT_FOUND: 'not-found',
  DATASET_EXISTS: 'conflict',
  SNAPSHOT_NOT_FOUND: 'not-found',
  SNAPSHOT_EXISTS: 'conflict',
};

export class DatasetError extends DomainError<DatasetErrorCode> {
  constructor(code: DatasetErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const datasetInput = validator((field, message) => new DatasetError('DATASET_INVALID_ARGUMENT', message, field));
