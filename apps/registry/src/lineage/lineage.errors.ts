export enum LineageErrorCode {
  InvalidArgument = 'LINEAGE_INVALID_ARGUMENT',
  SnapshotNotFound = 'LINEAGE_SNAPSHOT_NOT_FOUND',
}

export class LineageError extends Error {
  constructor(
    readonly code: LineageErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'LineageError';
  }
}
