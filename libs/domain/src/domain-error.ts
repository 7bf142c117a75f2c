// Transport-neutral errors. Each bounded context owns one code object (stable SCREAMING_SNAKE strings),
// one table giving every code its kind, and one DomainError subclass. Transports never see codes: one
// table per transport maps kinds to a gRPC status (libs/runtime), an HTTP status (libs/runtime) and a
// Kafka retry-or-dead-letter decision (libs/event-bus). See docs/adr/0007-error-kinds.md.

/** What went wrong, as far as a caller is concerned. */
export const ERROR_KINDS = [
  /** The request itself is wrong (a field names the culprit); retrying it unchanged cannot help. */
  'invalid',
  /** Something the request names does not exist. */
  'not-found',
  /** What the request would create exists already. */
  'conflict',
  /** The system is not in the state the request needs (e.g. archiving a version an alias holds). */
  'failed-precondition',
  /** A concurrent change won (compare-and-set); read again and retry. */
  'aborted',
  /** A dependency is down or overloaded; the same request may succeed later. */
  'unavailable',
  /** Stored data is corrupted or lost. */
  'data-loss',
  /** No credentials, or unknown, revoked or expired ones. */
  'unauthenticated',
  /** Valid credentials without the permission (scope) the request needs. */
  'permission-denied',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** A context's codes and their kinds: `Record<Code, ErrorKind>`, so a code without a kind does not compile. */
export type ErrorKindTable<C extends string> = Readonly<Record<C, ErrorKind>>;

/**
 * The base of every context's error: a stable code, its kind, a message for people and, for input
 * problems, the offending field (`columns[2].type`). Carries no transport.
 */
export abstract class DomainError<C extends string = string> extends Error {
  protected constructor(
    readonly code: C,
    readonly kind: ErrorKind,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
