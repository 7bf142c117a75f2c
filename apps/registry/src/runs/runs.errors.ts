export enum RunErrorCode {
  InvalidArgument = 'RUN_INVALID_ARGUMENT',
  ExperimentNotFound = 'EXPERIMENT_NOT_FOUND',
  ExperimentExists = 'EXPERIMENT_EXISTS',
  RunNotFound = 'RUN_NOT_FOUND',
  RunAlreadyEnded = 'RUN_ALREADY_ENDED',
  ParamConflict = 'PARAM_CONFLICT',
  ArtifactNotFound = 'RUN_ARTIFACT_NOT_FOUND',
  ArtifactPathExists = 'RUN_ARTIFACT_PATH_EXISTS',
}

export class RunError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}
