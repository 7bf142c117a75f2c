import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const RunErrorCode = {
  InvalidArgument: 'RUN_INVALID_ARGUMENT',
  ExperimentNotFound: 'EXPERIMENT_NOT_FOUND',
  ExperimentExists: 'EXPERIMENT_EXISTS',
  RunNotFound: 'RUN_NOT_FOUND',
  RunAlreadyEnded: 'RUN_ALREADY_ENDED',
  ParamConflict: 'PARAM_CONFLICT',
  ArtifactNotFound: 'RUN_ARTIFACT_NOT_FOUND',
  ArtifactPathExists: 'RUN_ARTIFACT_PATH_EXISTS',
} as const;
export type RunErrorCode = (typeof RunErrorCode)[keyof typeof RunErrorCode];

const KINDS: ErrorKindTable<RunErrorCode> = {
  RUN_INVALID_ARGUMENT: 'invalid',
  EXPERIMENT_NOT_FOUND: 'not-found',
  EXPERIMENT_EXISTS: 'conflict',
  RUN_NOT_FOUND: 'not-found',
  RUN_ALREADY_ENDED: 'failed-precondition',
  PARAM_CONFLICT: 'failed-precondition',
  RUN_ARTIFACT_NOT_FOUND: 'not-found',
  RUN_ARTIFACT_PATH_EXISTS: 'conflict',
};

export class RunError extends DomainError<RunErrorCode> {
  constructor(code: RunErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

/** Field checks whose failures are this context's invalid-argument errors. */
export const runInput = validator((field, message) => new RunError('RUN_INVALID_ARGUMENT', message, field));
