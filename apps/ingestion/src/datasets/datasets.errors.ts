import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const IngestionErrorCode = {
  InvalidArgument: 'INGESTION_INVALID_ARGUMENT',
  DatasetNotFound: 'INGESTION_DATASET_NOT_FOUND',
  DatasetExists: 'INGESTION_DATASET_EXISTS',
  SchemaChangeRefused: 'INGESTION_SCHEMA_CHANGE_REFUSED',
  SnapshotNotFound: 'INGESTION_SNAPSHOT_NOT_FOUND',
  SnapshotBusy: 'INGESTION_SNAPSHOT_BUSY',
  RegistryUnavailable: 'INGESTION_REGISTRY_UNAVAILABLE',
  NothingToSnapshot: 'INGESTION_NOTHING_TO_SNAPSHOT',
  RegistryRefused: 'INGESTION_REGISTRY_REFUSED',
} as const;
export type IngestionErrorCode = (typeof IngestionErrorCode)[keyof typeof IngestionErrorCode];

const KINDS: ErrorKindTable<IngestionErrorCode> = {
  INGESTION_INVALID_ARGUMENT: 'invalid',
  INGESTION_DATASET_NOT_FOUND: 'not-found',
  INGESTION_DATASET_EXISTS: 'conflict',
  INGESTION_SCHEMA_CHANGE_REFUSED: 'failed-precondition',
  INGESTION_SNAPSHOT_NOT_FOUND: 'not-found',
  INGESTION_SNAPSHOT_BUSY: 'aborted',
  INGESTION_REGISTRY_UNAVAILABLE: 'unavailable',
  INGESTION_NOTHING_TO_SNAPSHOT: 'failed-precondition',
  INGESTION_REGISTRY_REFUSED: 'failed-precondition',
};

export class IngestionError extends DomainError<IngestionErrorCode> {
  constructor(code: IngestionErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, field, options);
  }
}

export const ingestionInput = validator(
  (field, message) => new IngestionError('INGESTION_INVALID_ARGUMENT', message, field),
);
