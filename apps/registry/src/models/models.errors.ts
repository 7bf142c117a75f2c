import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const ModelErrorCode = {
  InvalidArgument: 'MODEL_INVALID_ARGUMENT',
  ModelNotFound: 'MODEL_NOT_FOUND',
  ModelExists: 'MODEL_EXISTS',
  VersionNotFound: 'MODEL_VERSION_NOT_FOUND',
  AliasNotFound: 'ALIAS_NOT_FOUND',
  VersionArchived: 'MODEL_VERSION_ARCHIVED',
  VersionHasAliases: 'MODEL_VERSION_HAS_ALIASES',
  AliasConflict: 'ALIAS_CONFLICT',
  RunNotFound: 'MODEL_RUN_NOT_FOUND',
  ArtifactNotFound: 'MODEL_ARTIFACT_NOT_FOUND',
} as const;
export type ModelErrorCode = (typeof ModelErrorCode)[keyof typeof ModelErrorCode];

const KINDS: ErrorKindTable<ModelErrorCode> = {
  MODEL_INVALID_ARGUMENT: 'invalid',
  MODEL_NOT_FOUND: 'not-found',
  MODEL_EXISTS: 'conflict',
  MODEL_VERSION_NOT_FOUND: 'not-found',
  ALIAS_NOT_FOUND: 'not-found',
  MODEL_VERSION_ARCHIVED: 'failed-precondition',
  MODEL_VERSION_HAS_ALIASES: 'failed-precondition',
  ALIAS_CONFLICT: 'aborted',
  MODEL_RUN_NOT_FOUND: 'not-found',
  MODEL_ARTIFACT_NOT_FOUND: 'not-found',
};

export class ModelError extends DomainError<ModelErrorCode> {
  constructor(code: ModelErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const modelInput = validator((field, message) => new ModelError('MODEL_INVALID_ARGUMENT', message, field));
