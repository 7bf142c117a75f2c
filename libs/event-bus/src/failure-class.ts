import { isDomainError } from '@keel/domain';
import { KAFKA_DECISION_BY_KIND, PermanentEventError } from './errors';

/**
 * Why a handler (or its transaction) failed, which decides what the consumer does:
 * - `infrastructure`: a dependency is down or busy (database, broker, network). Retrying later will
 *   work; the partition waits it out with backoff, commits nothing and dead-letters nothing.
 * - `permanent`: retrying cannot help (PermanentEventError, a DomainError of a non-retryable kind):
 *   dead-lettered at once.
 * - `transient`: anything else; retried up to the policy's attempts, then dead-lettered if the
 *   dependency is healthy.
 */
export type FailureClass = 'infrastructure' | 'permanent' | 'transient';

// Node socket errors and DNS hiccups.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
  'ESHUTDOWN',
]);

// PostgreSQL SQLSTATEs: serialization failure, deadlock, lock not available, too many connections,
// insufficient resources, operator intervention (shutdown, crash, cannot connect now), connection exceptions.
const PG_CODES = new Set(['40001', '40P01', '55P03', '53000', '53100', '53200', '53300', '57P01', '57P02', '57P03']);
const PG_CLASSES = ['08'];

// SQLite: the database is locked by another connection.
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

// kafkajs errors that mean the cluster is unreachable or not ready, not that the request was bad.
const KAFKAJS_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTimeout',
]);
const KAFKA_RETRIABLE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'BROKER_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'KAFKA_STORAGE_ERROR',
]);

const MESSAGE_PATTERNS = [
  /connection (?:terminated|refused|reset|closed|lost|ended)/i,
  /terminating connection/i,
  /server closed the connection/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
  /(?:timeout|timed out) (?:exceeded )?(?:when|while|acquiring|connecting)/i,
  /connect(?:ion)? timeout/i,
  /database is locked/i,
  /could not serialize access/i,
  /deadlock detected/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

function isInfrastructure(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 6) return false;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code) {
    if (NETWORK_CODES.has(code) || PG_CODES.has(code) || SQLITE_CODES.has(code)) return true;
    if (code.length === 5 && PG_CLASSES.some((c) => code.startsWith(c))) return true;
  }
  if (typeof e.name === 'string' && KAFKAJS_NAMES.has(e.name)) return true;
  if (typeof e.type === 'string' && KAFKA_RETRIABLE_TYPES.has(e.type)) return true;
  if (isDomainError(err) && err.kind === 'unavailable') return true;
  if (typeof e.message === 'string' && MESSAGE_PATTERNS.some((p) => p.test(e.message as string))) return true;
  const nested = [e.cause, e.originalError, e.driverError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((n) => n !== err && isInfrastructure(n, depth + 1));
}

/** Classifies an error thrown by a handler or by the consumer's own database transaction. */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof PermanentEventError) return 'permanent';
  if (isInfrastructure(err)) return 'infrastructure';
  if (isDomainError(err) && KAFKA_DECISION_BY_KIND[err.kind] === 'dead-letter') return 'permanent';
  return 'transient';
}
