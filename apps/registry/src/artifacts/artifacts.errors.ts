import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const ArtifactErrorCode = {
  InvalidArgument: 'ARTIFACT_INVALID_ARGUMENT',
  NotFound: 'ARTIFACT_NOT_FOUND',
  DigestMismatch: 'ARTIFACT_DIGEST_MISMATCH',
  SizeMismatch: 'ARTIFACT_SIZE_MISMATCH',
  Corrupted: 'ARTIFACT_CORRUPTED',
  StoreUnavailable: 'ARTIFACT_STORE_UNAVAILABLE',
} as const;
export type ArtifactErrorCode = (typeof ArtifactErrorCode)[keyof typeof ArtifactErrorCode];

const KINDS: ErrorKindTable<ArtifactErrorCode> = {
  ARTIFACT_INVALID_ARGUMENT: 'invalid',
  ARTIFACT_NOT_FOUND: 'not-found',
  ARTIFACT_DIGEST_MISMATCH: 'invalid',
  ARTIFACT_SIZE_MISMATCH: 'invalid',
  ARTIFACT_CORRUPTED: 'data-loss',
  ARTIFACT_STORE_UNAVAILABLE: 'unavailable',
};

export class ArtifactError extends DomainError<ArtifactErrorCode> {
  constructor(code: ArtifactErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const artifactInput = validator(
  (field, message) => new ArtifactError('ARTIFACT_INVALID_ARGUMENT', message, field),
);
