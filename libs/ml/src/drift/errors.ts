// One error class for the drift statistics, with stable codes callers can switch on.
export type DriftErrorCode =
  'invalid_input' | 'unknown_column' | 'test_not_applicable' | 'invalid_option' | 'incompatible_merge';

export class DriftError extends Error {
  constructor(
    readonly code: DriftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DriftError';
  }
}
