import { DomainError, isDomainError, type ErrorKind, type ErrorKindTable } from '@keel/domain';

// The event bus's codes (the one code style of every lib and context: a const object of stable
// SCREAMING_SNAKE strings, a kind per code, one DomainError subclass), and the Kafka transport's table
// from error kind to retry-or-dead-letter.

export const EventBusErrorCode = {
  /** The payload given to publish() does not match its event's schema; nothing was sent. */
  InvalidPayload: 'INVALID_PAYLOAD',
  /** A consumed message lacks valid CloudEvents headers (and is not a plain record on an ingest topic). */
  InvalidEnvelope: 'INVALID_ENVELOPE',
  /** A consumed message's body is not JSON. */
  InvalidJson: 'INVALID_JSON',
  /** A consumed message carries another ce_type than the subscription's. */
  UnexpectedType: 'UNEXPECTED_TYPE',
  /** The handler kept throwing until the retry cap. */
  HandlerFailed: 'HANDLER_FAILED',
  /** The handler threw an error retrying cannot help with (PermanentEventError, or a DomainError of such a kind). */
  HandlerRejected: 'HANDLER_REJECTED',
  /** Options or configuration are wrong. */
  InvalidConfig: 'INVALID_CONFIG',
  /** publish/subscribe before connect() or after close(). */
  NotConnected: 'NOT_CONNECTED',
} as const;

export type EventBusErrorCode = (typeof EventBusErrorCode)[keyof typeof EventBusErrorCode];

export const EVENT_BUS_ERROR_CODES: readonly EventBusErrorCode[] = Object.values(EventBusErrorCode);

const KINDS: ErrorKindTable<EventBusErrorCode> = {
  INVALID_PAYLOAD: 'invalid',
  INVALID_ENVELOPE: 'invalid',
  INVALID_JSON: 'invalid',
  UNEXPECTED_TYPE: 'invalid',
  HANDLER_FAILED: 'unavailable',
  HANDLER_REJECTED: 'failed-precondition',
  INVALID_CONFIG: 'invalid',
  NOT_CONNECTED: 'unavailable',
};

export class EventBusError extends DomainError<EventBusErrorCode> {
  constructor(
    code: EventBusErrorCode,
    message: string,
    /** Individual problems, e.g. one line per invalid field. */
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, KINDS[code], issues.length ? `${message}: ${issues.join('; ')}` : message, undefined, options);
  }
}

/** Throw from a handler when retrying cannot succeed: the message goes to the dead-letter topic at once. */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What a consumer does with a message that could not be handled. */
export type FailureDecision = 'retry' | 'dead-letter';

/** The Kafka transport's one table: retrying helps only when the cause is transient. */
export const KAFKA_DECISION_BY_KIND: Readonly<Record<ErrorKind, FailureDecision>> = {
  invalid: 'dead-letter',
  'not-found': 'dead-letter',
  conflict: 'dead-letter',
  'failed-precondition': 'dead-letter',
  aborted: 'retry',
  unavailable: 'retry',
  'data-loss': 'dead-letter',
  unauthenticated: 'dead-letter',
  'permission-denied': 'dead-letter',
};

export function decideOnFailure(code: EventBusErrorCode): FailureDecision {
  return KAFKA_DECISION_BY_KIND[KINDS[code]];
}

/**
 * What to do with an error a handler threw: a PermanentEventError, or a DomainError whose kind retrying
 * cannot fix (invalid, not found...), dead-letters at once; anything else is retried up to the cap.
 */
export function handlerFailureDecision(err: unknown): FailureDecision {
  if (err instanceof PermanentEventError) return 'dead-letter';
  if (isDomainError(err)) return KAFKA_DECISION_BY_KIND[err.kind];
  return 'retry';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
