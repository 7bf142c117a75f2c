// The monitoring service's error codes (no transport in them); the gRPC adapter maps them to statuses.
export enum MonitoringErrorCode {
  InvalidArgument = 'MONITORING_INVALID_ARGUMENT',
  InvalidPredictionLog = 'MONITORING_INVALID_PREDICTION_LOG',
  ModelNotMonitored = 'MONITORING_MODEL_NOT_MONITORED',
  WindowNotFound = 'MONITORING_WINDOW_NOT_FOUND',
  ReferenceUnavailable = 'MONITORING_REFERENCE_UNAVAILABLE',
  RegistryUnavailable = 'MONITORING_REGISTRY_UNAVAILABLE',
}

export class MonitoringError extends Error {
  constructor(
    readonly code: MonitoringErrorCode,
    message: string,
    /** The request field or event path at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MonitoringError';
  }
}

export function invalidArgument(field: string, message: string): MonitoringError {
  return new MonitoringError(MonitoringErrorCode.InvalidArgument, `${field}: ${message}`, field);
}
