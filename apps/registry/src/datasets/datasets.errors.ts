export enum DatasetErrorCode {
  InvalidArgument = 'DATASET_INVALID_ARGUMENT',
  DatasetNotFound = 'DATASET_NOT_FOUND',
  DatasetExists = 'DATASET_EXISTS',
  SnapshotNotFound = 'SNAPSHOT_NOT_FOUND',
  SnapshotExists = 'SNAPSHOT_EXISTS',
}

export class DatasetError extends Error {
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}
