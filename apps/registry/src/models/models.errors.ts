export enum ModelErrorCode {
  InvalidArgument = 'MODEL_INVALID_ARGUMENT',
  ModelNotFound = 'MODEL_NOT_FOUND',
  ModelExists = 'MODEL_EXISTS',
  VersionNotFound = 'MODEL_VERSION_NOT_FOUND',
  AliasNotFound = 'ALIAS_NOT_FOUND',
  VersionArchived = 'MODEL_VERSION_ARCHIVED',
  VersionHasAliases = 'MODEL_VERSION_HAS_ALIASES',
  AliasConflict = 'ALIAS_CONFLICT',
  RunNotFound = 'MODEL_RUN_NOT_FOUND',
  ArtifactNotFound = 'MODEL_ARTIFACT_NOT_FOUND',
}

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
