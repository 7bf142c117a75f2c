import {
  EVENT_TYPES,
  deadLetterTopic,
  eventDefinition,
  topicOf,
  type EventPayload,
  type EventType,
} from '@keel/contracts';
import { SpanKind, context as otelContext, trace, type Context } from '@opentelemetry/api';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { Registry, type Counter } from 'prom-client';
import { assertRetryPolicy, DEFAULT_RETRY_POLICY } from './backoff';
import { BatchingProducer } from './batching-producer';
import { ConsumerLoop, type AnyHandler, type BatchHandler } from './consumer-loop';
import { encodeHeaders, type EnvelopeAttributes } from './envelope';
import { EventBusError } from './errors';
import { DedupeProcessor, PlainProcessor } from './idempotency';
import { readPartitionRange, type PartitionRange } from './partition-reader';
import { createEventBusMetrics, type EventBusMetrics } from './metrics';
import { CONSUMER_SESSION } from './kafka-config';
import { Outbox } from './outbox';
import { injectTraceHeaders } from './trace-context';
import type {
  ConsumedEvent,
  EventBusOptions,
  PublishOptions,
  SubscribeOptions,
  Subscription,
  TransactionalEvent,
} from './types';
import { uuidv7 } from './uuid-v7';
import { isoNow, validatePayload } from './validate';

const tracer = () => trace.getTracer('@keel/event-bus');

/** A ready-to-send event: what publish() and the outbox relay hand to Kafka. */
export interface OutgoingEvent extends EnvelopeAttributes {
  topic: string;
  key: string;
  /** The data as JSON text. */
  value: string;
}

/** Typed CloudEvents over Kafka: validated publish, at-least-once idempotent subscribe, dead-letter, traces and metrics. */
export class EventBus {
  readonly metrics: EventBusMetrics;
  /** Writes events inside the caller's TypeORM transaction; an OutboxRelay sends them. */
  readonly outbox: Outbox;
  private readonly kafka: Kafka;
  private readonly partitions: number;
  private producer?: Producer;
  private sender?: BatchingProducer;
  private admin?: Admin;
  private readonly topics = new Map<string, Promise<void>>();
  /** Topics known to exist, with their partition counts: publish skips the admin round trip for them. */
  private readonly partitionCounts = new Map<string, number>();
  private readonly publishedCounters = new Map<string, Map<string, Counter.Internal>>();
  private readonly subscriptions = new Set<Subscription>();
  /** Partitions halted by a dependency outage ("group topic/partition" -> reason): readiness is false meanwhile. */
  private readonly outages = new Map<string, string>();
  private state: 'new' | 'connected' | 'closed' = 'new';

  constructor(private readonly options: EventBusOptions) {
    const issues: string[] = [];
    if (!options.clientId) issues.push('clientId is required');
    if (!options.source) issues.push('source (ce_source) is required');
    if (!options.brokers?.length) issues.push('at least one broker is required');
    if (
      options.topicPartitions !== undefined &&
      !(Number.isInteger(options.topicPartitions) && options.topicPartitions >= 1)
    ) {
      issues.push(`topicPartitions must be an integer >= 1 (got ${options.topicPartitions})`);
    }
    if (issues.length) throw new EventBusError('INVALID_CONFIG', 'invalid event bus options', issues);
    this.partitions = options.topicPartitions ?? 3;
    this.metrics = createEventBusMetrics(options.metrics ?? new Registry());
    this.outbox = new Outbox(options.source);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000, ...options.kafkaRetry },
    });
  }

  private async connectClients(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    // Idempotent: a produce request retried after a lost answer is not written twice (the broker keeps
    // the last batches per producer id); BatchingProducer keeps one request in flight per partition.
    // BatchingProducer places every message itself (murmur2, cached per key), so kafkajs' own
    // partitioner only reads message.partition.
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      createPartitioner: () => (args) => args.message.partition ?? 0,
    });
    await this.producer.connect();
    this.sender = new BatchingProducer(this.producer, (topic) => {
      const partitions = this.partitionCounts.get(topic);
      if (partitions === undefined)
        throw new EventBusError('NOT_CONNECTED', `topic ${topic} was not provisioned before sending`);
      return partitions;
    });
  }

  get source(): string {
    return this.options.source;
  }

  async connect(): Promise<void> {
    if (this.state === 'connected') return;
    if (this.state === 'closed') throw new EventBusError('NOT_CONNECTED', 'the event bus was closed');
    try {
      await this.connectClients();
    } catch (err) {
      // Leave nothing retrying in the background; connect() may be called again once Kafka answers.
      await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
      this.admin = undefined;
      this.producer = undefined;
      throw err;
    }
    this.state = 'connected';
    if (this.options.provisionTopics ?? true) {
      const fixed = EVENT_TYPES.filter((t) => eventDefinition(t).topic.kind === 'fixed').map((t) => topicOf(t));
      await this.ensureTopics([...fixed, ...fixed.map(deadLetterTopic)]);
    }
  }

  /** Validates, then writes one event in CloudEvents binary mode with the current trace context. */
  publish<T extends EventType>(type: T, payload: EventPayload<T>, opts: PublishOptions<T>): Promise<void> {
    try {
      const topic = this.topicFor(type, opts.dataset);
      const valid = validatePayload(type, payload);
      if (!valid.ok)
        throw new EventBusError('INVALID_PAYLOAD', `invalid ${type} payload, nothing was sent`, valid.issues);
      if (!opts.key) throw new EventBusError('INVALID_PAYLOAD', `${type} needs a non-empty key`);
      return this.send(
        {
          id: uuidv7(),
          type,
          source: this.options.source,
          time: isoNow(),
          subject: opts.subject,
          topic,
          key: opts.key,
          value: JSON.stringify(valid.payload),
        },
        otelContext.active(),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Sends an already validated event (the outbox relay's path); `parent` is the trace context to continue. */
  send(event: OutgoingEvent, parent: Context): Promise<void> {
    const sender = this.connected();
    if (!this.partitionCounts.has(event.topic))
      return this.ensureTopics([event.topic]).then(() => this.send(event, parent));
    const span = tracer().startSpan(
      `send ${event.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': event.topic,
          'messaging.message.id': event.id,
        },
      },
      parent,
    );
    // Without a tracer provider and a parent span there is no trace to carry: skip the propagation work.
    const headers = encodeHeaders(
      event,
      trace.isSpanContextValid(span.spanContext()) ? injectTraceHeaders(trace.setSpan(parent, span)) : undefined,
    );
    const counter = this.published(event.type, event.topic);
    // Promise callbacks rather than async/await: this runs once per event on the hot path.
    return sender.send(event.topic, { key: event.key, value: event.value, headers }).then(
      () => {
        counter.inc();
        span.end();
      },
      (err: unknown) => {
        span.recordException(err as Error);
        span.end();
        throw err;
      },
    );
  }

  private published(type: string, topic: string): Counter.Internal {
    let byTopic = this.publishedCounters.get(type);
    if (!byTopic) this.publishedCounters.set(type, (byTopic = new Map()));
    let child = byTopic.get(topic);
    if (!child) byTopic.set(topic, (child = this.metrics.published.labels(type, topic)));
    return child;
  }

  subscribe<T extends EventType>(
    type: T,
    handler: (event: TransactionalEvent<T>) => Promise<void>,
    opts: SubscribeOptions<T> & { dataSource: NonNullable<SubscribeOptions<T>['dataSource']> },
  ): Promise<Subscription>;
  subscribe<T extends EventType>(
    type: T,
    handler: (event: ConsumedEvent<T>) => Promise<void>,
    opts: SubscribeOptions<T>,
  ): Promise<Subscription>;
  subscribe<T extends EventType>(
    type: T,
    untypedHandler: (event: never) => Promise<void>,
    opts: SubscribeOptions<T>,
  ): Promise<Subscription> {
    // The overloads tie the handler's event type to whether a dataSource is given.
    return this.start(type, untypedHandler as AnyHandler<T>, undefined, opts);
  }

  /**
   * Like subscribe, but the handler takes each chunk of valid events (up to `chunkSize`, in log order)
   * in one call: one span (linked to the events' producers), one timer, one metric update per chunk.
   * Invalid events are dead-lettered as usual; when the handler throws, the chunk's events are handed
   * to it again one at a time (single-event arrays) with the usual retries, outage waits and
   * dead-letters. No dataSource: deduplication is the handler's own (e.g. by offset).
   */
  subscribeBatch<T extends EventType>(
    type: T,
    handler: BatchHandler<T>,
    opts: Omit<SubscribeOptions<T>, 'dataSource'>,
  ): Promise<Subscription> {
    const plain = { ...opts, dataSource: undefined } as SubscribeOptions<T>;
    return this.start(type, (event) => handler([event]), handler, plain);
  }

  private async start<T extends EventType>(
    type: T,
    handler: AnyHandler<T>,
    batchHandler: BatchHandler<T> | undefined,
    opts: SubscribeOptions<T>,
  ): Promise<Subscription> {
    this.connected();
    if (!opts.group) throw new EventBusError('INVALID_CONFIG', 'subscribe needs a consumer group');
    const topic = this.topicFor(type, opts.dataset);
    const dlqTopic = deadLetterTopic(topic);
    const retry = assertRetryPolicy({ ...DEFAULT_RETRY_POLICY, ...opts.retry });
    await this.ensureTopics([topic, dlqTopic]);
    const processor = opts.dataSource
      ? new DedupeProcessor<ConsumedEvent<T>>(opts.dataSource, opts.group)
      : new PlainProcessor<ConsumedEvent<T>>();
    const consumer: Consumer = this.kafka.consumer({
      groupId: opts.group,
      ...CONSUMER_SESSION,
      maxWaitTimeInMs: 250,
      ...fetchLimits(opts.fetchBytesPerPartition),
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    const loop = new ConsumerLoop<T>({
      type,
      group: opts.group,
      dlqTopic,
      handler,
      batchHandler,
      processor,
      retry,
      chunkSize: opts.chunkSize ?? 500,
      metrics: this.metrics,
      logger: this.options.logger,
      onOutage: (t, partition, active, reason) => this.noteOutage(opts.group, t, partition, active, reason),
      sendDeadLetter: (t, m) => this.connected().send(t, m),
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: opts.fromBeginning ?? true });
      await loop.run(consumer, opts.partitionsConsumedConcurrently ?? 1);
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      await processor.close();
      throw err;
    }
    const lagTimer = setInterval(() => void this.refreshLag(opts.group, topic), this.options.lagIntervalMs ?? 10_000);
    lagTimer.unref();
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      group: opts.group,
      topic,
      close: () => {
        clearInterval(lagTimer);
        closing ??= consumer
          .disconnect()
          .finally(() => processor.close())
          .finally(() => this.subscriptions.delete(subscription));
        return closing;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Sets the lag gauge of every partition of `topic` for `group` from the committed offsets, so the
   * gauge moves while no batch arrives (a stalled or paused consumer). Errors (broker down) are ignored.
   */
  async refreshLag(group: string, topic: string): Promise<void> {
    const admin = this.admin;
    if (!admin || this.state !== 'connected') return;
    try {
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId: group, topics: [topic] }),
      ]);
      const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const p of ends) {
        const at = done.get(p.partition);
        const from = at === undefined || at < 0 ? Number(p.low) : at;
        this.metrics.lag.set({ topic, partition: String(p.partition), group }, Math.max(0, Number(p.high) - from));
      }
    } catch {
      // The next tick tries again.
    }
  }

  /**
   * Readiness check: rejects while any subscription is halted by a dependency outage (the database or
   * broker its handlers need), so /readyz and the gRPC health status report it.
   */
  async checkReady(): Promise<void> {
    if (this.state !== 'connected')
      throw new Error(`event bus is ${this.state === 'new' ? 'not connected' : 'closed'}`);
    if (this.outages.size) {
      const [first] = this.outages;
      throw new Error(`${this.outages.size} partition(s) paused by an outage (${first![0]}: ${first![1]})`);
    }
  }

  /** Partitions currently halted by a dependency outage, as "group topic/partition". */
  pausedPartitions(): string[] {
    return [...this.outages.keys()];
  }

  private noteOutage(group: string, topic: string, partition: number, active: boolean, reason: string): void {
    const key = `${group} ${topic}/${partition}`;
    const labels = { topic, partition: String(partition), group };
    if (active) {
      this.outages.set(key, reason);
      this.metrics.paused.set(labels, 1);
      this.options.logger?.warn({ group, topic, partition, reason }, 'dependency outage: partition paused');
    } else {
      this.outages.delete(key);
      this.metrics.paused.set(labels, 0);
      this.options.logger?.info({ group, topic, partition }, 'dependency back: partition resumed');
    }
    this.options.onReadinessChange?.();
  }

  /** Creates missing topics with the configured partitions (and waits for their leaders). */
  async ensureTopics(names: string[]): Promise<void> {
    const admin = this.admin;
    if (!admin) throw new EventBusError('NOT_CONNECTED', 'call connect() first');
    const missing = names.filter((n) => !this.topics.has(n));
    if (missing.length) {
      const created = (async () => {
        const existing = new Set(await admin.listTopics());
        const toCreate = missing.filter((n) => !existing.has(n));
        if (toCreate.length) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: toCreate.map((topic) => ({ topic, numPartitions: this.partitions })),
          });
        }
        // Existing topics keep their own partition count (e.g. created by an operator).
        const { topics } = await admin.fetchTopicMetadata({ topics: missing });
        for (const t of topics) this.partitionCounts.set(t.name, t.partitions.length);
      })();
      for (const n of missing) this.topics.set(n, created);
      created.catch(() => missing.forEach((n) => this.topics.delete(n)));
    }
    await Promise.all(names.map((n) => this.topics.get(n) ?? Promise.resolve()));
  }

  /** Stops every subscription (in-flight handlers finish and commit), flushes pending sends, disconnects. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    await this.sender?.drain();
    // Also after a connect() that failed half-way, so no client keeps retrying in the background.
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
  }

  private connected(): BatchingProducer {
    if (this.state !== 'connected' || !this.sender) {
      throw new EventBusError(
        'NOT_CONNECTED',
        this.state === 'closed' ? 'the event bus is closed' : 'call connect() first',
      );
    }
    return this.sender;
  }

  /**
   * Reads offsets [from, to) of one partition of `type`'s topic again, whatever any group committed
   * (validated like a subscription's events; invalid records skipped): to rebuild in-memory state.
   */
  readPartition<T extends EventType>(
    type: T,
    range: PartitionRange,
    onEvent: (event: ConsumedEvent<T>) => void | Promise<void>,
    dataset?: string,
  ): Promise<number> {
    this.connected();
    return readPartitionRange(this.kafka, type, this.topicFor(type, dataset), range, onEvent);
  }

  private topicFor(type: EventType, dataset: string | undefined): string {
    try {
      return topicOf(type, dataset);
    } catch (err) {
      throw new EventBusError('INVALID_CONFIG', (err as Error).message, [], { cause: err });
    }
  }
}

/** kafkajs' fetch limits for a per-partition size (its defaults: 1 MiB per partition, 10 MiB per fetch). */
function fetchLimits(perPartition: number | undefined): { maxBytesPerPartition?: number; maxBytes?: number } {
  if (!perPartition) return {};
  return { maxBytesPerPartition: perPartition, maxBytes: Math.max(10 * 1024 * 1024, 4 * perPartition) };
}
