// libs/event-bus: typed CloudEvents over Kafka (kafkajs) with validation on both sides, retries with
// backoff, dead-letter topics, idempotent consumers, a transactional outbox and trace propagation.
// The Nest module in ./nest is a thin wrapper over the plain EventBus.
export { EventBus, type OutgoingEvent } from './event-bus';
export type { BatchHandler } from './consumer-loop';
export { Outbox, OUTBOX_KEY_LOCK_CLASS, type StoredEnvelope } from './outbox';
export { OutboxRelay, OUTBOX_RELAY_LOCK_CLASS, type OutboxRelayOptions } from './outbox-relay';
export { PartitionReadTimeout, type PartitionRange } from './partition-reader';
export { classifyFailure, type FailureClass } from './failure-class';
export {
  EventBusError,
  PermanentEventError,
  EventBusErrorCode,
  EVENT_BUS_ERROR_CODES,
  KAFKA_DECISION_BY_KIND,
  decideOnFailure,
  handlerFailureDecision,
  type FailureDecision,
} from './errors';
export { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './backoff';
export {
  CE,
  SPEC_VERSION,
  decodeEnvelope,
  decodeHeaders,
  derivedEventId,
  encodeHeaders,
  headersToStrings,
} from './envelope';
export { DLQ_HEADERS, deadLetterHeaders } from './dead-letter';
export { CONSUMER_SESSION, kafkaConnection, kafkaConnectionFromEnv, type KafkaConnection } from './kafka-config';
export { injectTraceHeaders, extractTraceContext, remoteSpanContext } from './trace-context';
export { uuidv7, UUID_V7 } from './uuid-v7';
export type { EventBusMetrics } from './metrics';
export type {
  ConsumedEvent,
  EventBusLogger,
  EventBusOptions,
  PublishOptions,
  SubscribeOptions,
  Subscription,
  TransactionalEvent,
} from './types';
export * from './nest';
