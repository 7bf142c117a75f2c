import { DomainError, validator, type ErrorKindTable } from '@keel/domain';

export const JobErrorCode = {
  InvalidArgument: 'TRAINING_INVALID_ARGUMENT',
  JobNotFound: 'TRAINING_JOB_NOT_FOUND',
  PolicyNotFound: 'TRAINING_POLICY_NOT_FOUND',
  JobFinished: 'TRAINING_JOB_FINISHED',
  RegistryUnavailable: 'TRAINING_REGISTRY_UNAVAILABLE',
  VersionNotFound: 'TRAINING_VERSION_NOT_FOUND',
  AliasConflict: 'TRAINING_ALIAS_CONFLICT',
} as const;
export type JobErrorCode = (typeof JobErrorCode)[keyof typeof JobErrorCode];

const KINDS: ErrorKindTable<JobErrorCode> = {
  TRAINING_INVALID_ARGUMENT: 'invalid',
  TRAINING_JOB_NOT_FOUND: 'not-found',
  TRAINING_POLICY_NOT_FOUND: 'not-found',
  TRAINING_JOB_FINISHED: 'failed-precondition',
  TRAINING_REGISTRY_UNAVAILABLE: 'unavailable',
  TRAINING_VERSION_NOT_FOUND: 'not-found',
  TRAINING_ALIAS_CONFLICT: 'aborted',
};

export class JobError extends DomainError<JobErrorCode> {
  constructor(code: JobErrorCode, message: string, field?: string) {
    super(code, KINDS[code], message, field);
  }
}

export const jobInput = validator((field, message) => new JobError('TRAINING_INVALID_ARGUMENT', message, field));

/** Why a job failed; stored on the job and sent in keel.training.failed. */
export type FailureCode =
  'INVALID_PARAMS' | 'DATA_UNAVAILABLE' | 'DATA_INTEGRITY' | 'TRAINING_ERROR' | 'WORKER_LOST' | 'CANCELLED';

/** A job step failed for a reason the job records (not a transport outage, which is waited out). */
export class JobFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}
