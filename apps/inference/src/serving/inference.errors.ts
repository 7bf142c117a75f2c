// Serving errors carry the Open Inference Protocol's status classes, which go beyond the domain kinds
// (RESOURCE_EXHAUSTED for a full queue, DEADLINE_EXCEEDED for a queue timeout); the transports map them.
export type InferenceErrorKind =
  'invalid' | 'not-found' | 'unavailable' | 'exhausted' | 'deadline' | 'unauthenticated' | 'denied';

export class InferenceError extends Error {
  constructor(
    readonly kind: InferenceErrorKind,
    message: string,
    /** The offending tensor or field, e.g. `inputs[2]` or the tensor name. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export const invalid = (field: string, message: string): InferenceError =>
  new InferenceError('invalid', message, field);

/** The HTTP status of each kind (REST /v2 endpoints). */
export const HTTP_STATUS_BY_KIND: Readonly<Record<InferenceErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  unavailable: 503,
  exhausted: 429,
  deadline: 504,
  unauthenticated: 401,
  denied: 403,
};
