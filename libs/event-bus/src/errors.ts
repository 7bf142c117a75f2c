// One code enum and one error class for the event bus; the consumer maps codes to retry-or-dead-letter.

export const EVENT_BUS_ERROR_CODES = [
  /** The payload given to publish() does not match its event's schema; nothing was sent. */
  'INVALID_PAYLOAD',
  /** A consumed message lacks valid CloudEvents headers (and is not a plain record on an ingest topic). */
  'INVALID_ENVELOPE',
  /** A consumed message's body is not JSON. */
  'INVALID_JSON',
  /** A consumed message carries another ce_type than the subscription's. */
  'UNEXPECTED_TYPE',
  /** The handler kept throwing until the retry cap. */
  'HANDLER_FAILED',
  /** The handler threw a PermanentEventError: retrying cannot help. */
  'HANDLER_REJECTED',
  /** Options or configuration are wrong. */
  'INVALID_CONFIG',
  /** publish/subscribe before connect() or after close(). */
  'NOT_CONNECTED',
] as const;

export type EventBusErrorCode = (typeof EVENT_BUS_ERROR_CODES)[number];

export class EventBusError extends Error {
  override readonly name = 'EventBusError';
  constructor(
    readonly code: EventBusErrorCode,
    message: string,
    /** Individual problems, e.g. one line per invalid field. */
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message, options);
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

export function decideOnFailure(code: EventBusErrorCode): FailureDecision {
  switch (code) {
    case 'HANDLER_FAILED':
      return 'retry';
    case 'INVALID_PAYLOAD':
    case 'INVALID_ENVELOPE':
    case 'INVALID_JSON':
    case 'UNEXPECTED_TYPE':
    case 'HANDLER_REJECTED':
    case 'INVALID_CONFIG':
    case 'NOT_CONNECTED':
      return 'dead-letter';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
