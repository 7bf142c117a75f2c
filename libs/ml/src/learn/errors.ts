// One error class for libs/ml learn, with stable string codes a transport can map (INVALID_ARGUMENT etc.).
export enum MlErrorCode {
  MissingColumn = 'MISSING_COLUMN',
  EmptyColumn = 'EMPTY_COLUMN',
  NonFiniteValue = 'NON_FINITE_VALUE',
  InvalidValue = 'INVALID_VALUE',
  SingleClass = 'SINGLE_CLASS',
  TooManyClasses = 'TOO_MANY_CLASSES',
  MissingTarget = 'MISSING_TARGET',
  AmbiguousPositive = 'AMBIGUOUS_POSITIVE',
  NoFeatures = 'NO_FEATURES',
  InvalidParams = 'INVALID_PARAMS',
  RowCountMismatch = 'ROW_COUNT_MISMATCH',
  TooFewRows = 'TOO_FEW_ROWS',
  InvalidModel = 'INVALID_MODEL',
}

export class MlError extends Error {
  constructor(
    readonly code: MlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlError';
  }
}
