export enum ArtifactErrorCode {
  InvalidArgument = 'ARTIFACT_INVALID_ARGUMENT',
  NotFound = 'ARTIFACT_NOT_FOUND',
  DigestMismatch = 'ARTIFACT_DIGEST_MISMATCH',
  SizeMismatch = 'ARTIFACT_SIZE_MISMATCH',
  Corrupted = 'ARTIFACT_CORRUPTED',
  StoreUnavailable = 'ARTIFACT_STORE_UNAVAILABLE',
}

export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}
