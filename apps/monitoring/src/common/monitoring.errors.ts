// The monitoring service's error codes and their kinds (no transport here: libs/runtime maps kinds to
// gRPC/HTTP statuses, libs/event-bus to retry or dead-letter).
import { DomainError, type ErrorKindTable } from '@keel/domain';

export const MonitoringErrorCode = {
  InvalidArgument: 'MONITORING_INVALID_ARGUMENT',
  InvalidPredictionLog: 'MONITORING_INVALID_PREDICTION_LOG',
  ModelNotMonitored: 'MONITORING_MODEL_NOT_MONITORED',
  WindowNotFound: 'MONITORING_WINDOW_NOT_FOUND',
  ReferenceUnavailable: 'MONITORING_REFERENCE_UNAVAILABLE',
  RegistryUnavailable: 'MONITORING_REGISTRY_UNAVAILABLE',
} as const;
export type MonitoringErrorCode = (typeof MonitoringErrorCode)[keyof typeof MonitoringErrorCode];

export const MONITORING_ERROR_KINDS: ErrorKindTable<MonitoringErrorCode> = {
  MONITORING_INVALID_ARGUMENT: 'invalid',
  MONITORING_INVALID_PREDICTION_LOG: 'invalid',
  MONITORING_MODEL_NOT_MONITORED: 'not-found',
  MONITORING_WINDOW_NOT_FOUND: 'not-found',
  MONITORING_REFERENCE_UNAVAILABLE: 'failed-precondition',
  MONITORING_REGISTRY_UNAVAILABLE: 'unavailable',
};

export class MonitoringError extends DomainError<MonitoringErrorCode> {
  constructor(code: MonitoringErrorCode, message: string, field?: string) {
    super(code, MONITORING_ERROR_KINDS[code], message, field);
  }
}

export function invalidArgument(field: string, message: string): MonitoringError {
  return new MonitoringError(MonitoringErrorCode.InvalidArgument, `${field}: ${message}`, field);
}
