import type { EventPayload, EventType, IngestEventType } from '@keel/contracts';
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { RetryPolicy } from './backoff';

/** The subset of a pino logger the bus uses. */
export interface EventBusLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventBusOptions {
  clientId: string;
  brokers: string[];
  /** ce_source of every event this bus publishes, e.g. 'keel/registry'. */
  source: string;
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  logger?: EventBusLogger;
  /** The service's Prometheus registry; without it the bus keeps its metrics in a private one. */
  metrics?: Registry;
  /** Partitions for topics the bus creates (default 3). */
  topicPartitions?: number;
  /** Create every fixed event topic and its dead-letter topic at connect() (default true). */
  provisionTopics?: boolean;
  /** kafkajs retries for connecting and requests (default 8 retries, 100 ms doubling to 5 s). */
  kafkaRetry?: { retries: number; initialRetryTime?: number; maxRetryTime?: number };
  /** How often each subscription's lag gauge is refreshed from committed offsets (default 10 s). */
  lagIntervalMs?: number;
  /** Called when a subscription pauses for, or resumes after, a dependency outage (e.g. Readiness.refresh). */
  onReadinessChange?: () => void;
}

type DatasetScoped<T extends EventType> = T extends IngestEventType ? { dataset: string } : { dataset?: never };

export type PublishOptions<T extends EventType> = {
  /** The Kafka key: decides the partition, so events with one key stay in order. */
  key: string;
  subject?: string;
} & DatasetScoped<T>;

export interface ConsumedEvent<T extends EventType> {
  id: string;
  type: T;
  source: string;
  time: string;
  subject: string | undefined;
  /** Validated against the event's schema before the handler runs. */
  data: EventPayload<T>;
  key: string | null;
  topic: string;
  partition: number;
  offset: string;
  /** Each header's value (the last one when a header repeats). */
  headers: Record<string, string>;
  /** Every value, in order, of each header that appears more than once (empty when none repeats). */
  repeatedHeaders: Readonly<Record<string, readonly string[]>>;
  /** 1 on first delivery to the handler, 2 on the first retry, ... */
  attempt: number;
  /** True for plain records whose id the bus derived from topic, partition and offset. */
  derivedId: boolean;
}

/** Handed to handlers of a subscription with a dataSource: `manager` is inside the transaction that also records the event as processed. */
export interface TransactionalEvent<T extends EventType> extends ConsumedEvent<T> {
  manager: EntityManager;
}

export type SubscribeOptions<T extends EventType> = {
  group: string;
  /** Enables idempotent consumption: a processed-events row per (group, ce_id), committed with the handler's writes. */
  dataSource?: DataSource;
  retry?: Partial<RetryPolicy>;
  /** Where a new group starts (default true: from the earliest offset, so nothing published before is missed). */
  fromBeginning?: boolean;
  /** Messages per database transaction on the fast path (default 500). */
  chunkSize?: number;
  /** Partitions processed at once by this member (default 1; keep 1 on SQLite). */
  partitionsConsumedConcurrently?: number;
  /**
   * Bytes fetched per partition in one fetch (kafkajs' maxBytesPerPartition, default 1 MiB). A
   * high-volume consumer raises it to wait for fetches less often while draining a backlog; one
   * fetch then holds up to this much per partition in memory.
   */
  fetchBytesPerPartition?: number;
} & DatasetScoped<T>;

export interface Subscription {
  readonly group: string;
  readonly topic: string;
  /** Finishes the in-flight handler, commits its offset and leaves the group. */
  close(): Promise<void>;
}
