import { EVENT_EXAMPLES, EVENT_TYPES, INGEST_RECORD_TYPE, type EventType } from '@keel/contracts';
import { startTelemetry, withSpan } from '@keel/telemetry';
import { freePort, startBroker, type TestBroker } from '@keel/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { EventBus } from './event-bus';
import { EventBusError } from './errors';
import { eventually, produceRaw, rawKafka, readTopic, topicSize, uniqueName } from './testing/kafka-test-kit';
import type { ConsumedEvent } from './types';
import { UUID_V7 } from './uuid-v7';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({
  serviceName: 'event-bus-spec',
  spanProcessors: [new SimpleSpanProcessor(exporter)],
  env: {},
});

describe('EventBus against the embedded broker', () => {
  let broker: TestBroker;
  let bus: EventBus;
  const registry = new Registry();

  beforeAll(async () => {
    broker = await startBroker();
    bus = new EventBus({
      clientId: 'spec',
      brokers: broker.brokers,
      source: 'keel/spec',
      metrics: registry,
      topicPartitions: 2,
      lagIntervalMs: 500,
    });
    await bus.connect();
  });

  it('should update the lag gauge on a timer while a handler is stuck and no batch completes', async () => {
    const dataset = uniqueName('lag').replace(/-/g, '_');
    const group = uniqueName('lag');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const sub = await bus.subscribe(
      'keel.ingest.record',
      async (e) => {
        if (e.data['n'] === 0) await gate;
        handled.push(e.data['n'] as number);
      },
      { group, dataset },
    );
    for (let n = 0; n < 6; n++) await bus.publish('keel.ingest.record', { n }, { key: 'one', dataset });
    const lag = async () =>
      (await bus.metrics.lag.get()).values
        .filter((v) => v.labels['group'] === group)
        .reduce((sum, v) => sum + v.value, 0);
    await eventually(async () => (await lag()) >= 6, 'the timer to report the stuck backlog');
    release();
    await eventually(() => handled.length === 6, 'the backlog');
    await eventually(async () => (await lag()) === 0, 'the lag to drop to zero');
    await sub.close();
  });

  afterAll(async () => {
    await bus?.close();
    await broker?.stop();
    await telemetry.shutdown();
  });

  it('should round-trip every event type with CloudEvents headers and one trace id when published and consumed', async () => {
    const dataset = uniqueName('rt').replace(/-/g, '_');
    const received = new Map<EventType, { event: ConsumedEvent<EventType>; traceId: string | undefined }>();
    const sent = new Map<EventType, string>();
    const subs = await Promise.all(
      EVENT_TYPES.map((type) =>
        bus.subscribe(
          type,
          async (event: ConsumedEvent<EventType>) => {
            received.set(type, { event, traceId: trace.getActiveSpan()?.spanContext().traceId });
          },
          (type === INGEST_RECORD_TYPE ? { group: uniqueName('rt'), dataset } : { group: uniqueName('rt') }) as never,
        ),
      ),
    );
    for (const type of EVENT_TYPES) {
      await withSpan(`produce ${type}`, async (span) => {
        sent.set(type, span.spanContext().traceId);
        const opts =
          type === INGEST_RECORD_TYPE ? { key: 'k-1', subject: 'subj', dataset } : { key: 'k-1', subject: 'subj' };
        await bus.publish(type, EVENT_EXAMPLES[type] as never, opts as never);
      });
    }
    await eventually(() => received.size === EVENT_TYPES.length, 'every event type to arrive');
    for (const type of EVENT_TYPES) {
      const { event, traceId } = received.get(type)!;
      expect(event).toMatchObject({
        type,
        source: 'keel/spec',
        subject: 'subj',
        key: 'k-1',
        data: EVENT_EXAMPLES[type],
        derivedId: false,
        attempt: 1,
      });
      expect(event.id).toMatch(UUID_V7);
      expect(event.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_type: type,
        ce_source: 'keel/spec',
        ce_subject: 'subj',
        'content-type': 'application/json',
      });
      expect(Date.parse(event.headers['ce_time']!)).toBeGreaterThan(Date.now() - 60_000);
      expect(event.headers['traceparent']).toMatch(new RegExp(`^00-${sent.get(type)}-[0-9a-f]{16}-01$`));
      expect(traceId).toBe(sent.get(type));
    }
    // The consumer span is a CONSUMER child of the producer span and carries a link to it.
    const spans = exporter.getFinishedSpans();
    const consumer = spans.find(
      (s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === sent.get('keel.model.registered'),
    )!;
    const producer = spans.find(
      (s) => s.kind === SpanKind.PRODUCER && s.spanContext().traceId === sent.get('keel.model.registered'),
    )!;
    expect(consumer.links[0]!.context.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    await Promise.all(subs.map((s) => s.close()));
  });

  it('should throw INVALID_PAYLOAD and send nothing when the payload is invalid', async () => {
    const before = await topicSize(broker.brokers, 'keel.training.failed');
    const bad = { ...EVENT_EXAMPLES['keel.training.failed'], code: 'NOPE', jobId: '' };
    const error = await bus.publish('keel.training.failed', bad as never, { key: 'job-x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventBusError);
    expect((error as EventBusError).code).toBe('INVALID_PAYLOAD');
    expect((error as EventBusError).issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^code:/), expect.stringMatching(/^jobId:/)]),
    );
    await bus.publish('keel.training.failed', EVENT_EXAMPLES['keel.training.failed'], { key: 'job-y' });
    expect(await topicSize(broker.brokers, 'keel.training.failed')).toBe(before + 1);
    const records = await readTopic(broker.brokers, 'keel.training.failed', before + 1);
    expect(records.map((r) => r.key)).not.toContain('job-x');
  });

  it('should accept a plain record without ce headers and give it a stable derived id when produced to an ingest topic', async () => {
    const dataset = uniqueName('plain').replace(/-/g, '_');
    const topic = `keel.ingest.${dataset}`;
    const seen: ConsumedEvent<'keel.ingest.record'>[] = [];
    const sub = await bus.subscribe('keel.ingest.record', async (e) => void seen.push(e), {
      group: uniqueName('plain'),
      dataset,
    });
    await produceRaw(broker.brokers, topic, [{ key: 'c-1', value: JSON.stringify({ CustomerID: 1, Churn: 0 }) }]);
    await eventually(() => seen.length === 1, 'the plain record');
    expect(seen[0]).toMatchObject({
      type: 'keel.ingest.record',
      source: `kafka:${topic}`,
      derivedId: true,
      data: { CustomerID: 1, Churn: 0 },
      key: 'c-1',
    });
    expect(seen[0]!.id).toMatch(new RegExp(`^kafka:${topic}:${seen[0]!.partition}:${seen[0]!.offset}@\\d+$`));
    await sub.close();
  });

  it('should keep per-key order across partitions when many events are published at once', async () => {
    const dataset = uniqueName('order').replace(/-/g, '_');
    const keys = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(
      Array.from({ length: 3000 }, (_, n) =>
        bus.publish('keel.ingest.record', { n }, { key: keys[n % keys.length]!, dataset }),
      ),
    );
    const records = await readTopic(broker.brokers, `keel.ingest.${dataset}`, 3000);
    expect(new Set(records.map((r) => r.partition)).size).toBe(2);
    for (const key of keys) {
      const ns = records.filter((r) => r.key === key).map((r) => (JSON.parse(r.value!) as { n: number }).n);
      expect(ns).toHaveLength(600);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(new Set(records.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
    }
  });

  it('should count published and consumed events in the given registry when events flow', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(
      /keel_events_published_total\{type="keel.model.registered",topic="keel.model.registered"\} [1-9]/,
    );
    expect(text).toMatch(
      /keel_events_consumed_total\{type="keel.model.registered",group="rt-[0-9a-f]+",outcome="handled"\} 1/,
    );
    expect(text).toMatch(/keel_event_handler_duration_seconds_count\{type="keel.feedback",group="rt-[0-9a-f]+"\} 1/);
    expect(text).toMatch(/keel_event_consumer_lag\{topic="keel.feedback",partition="\d",group="rt-[0-9a-f]+"\} 0/);
  });

  it('should create every fixed topic and its dead-letter topic with the configured partitions when connecting', async () => {
    const admin = rawKafka(broker.brokers).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      for (const t of [
        'keel.model.registered',
        'keel.model.registered.dlq',
        'keel.monitoring.alert',
        'keel.dataset.snapshotted.dlq',
      ])
        expect(topics).toContain(t);
      const meta = await admin.fetchTopicMetadata({ topics: ['keel.model.promoted'] });
      expect(meta.topics[0]!.partitions).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
  });

  it('should refuse to publish with NOT_CONNECTED when the bus is not connected', async () => {
    const idle = new EventBus({ clientId: 'idle', brokers: broker.brokers, source: 'keel/idle' });
    await expect(idle.publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'r' })).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
    });
    expect(() => new EventBus({ clientId: '', brokers: [], source: '' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('should reject connect and close cleanly when no broker listens', async () => {
    const nowhere = new EventBus({
      clientId: 'nowhere',
      brokers: [`127.0.0.1:${await freePort()}`],
      source: 'keel/nowhere',
      kafkaRetry: { retries: 1, initialRetryTime: 50 },
    });
    await expect(nowhere.connect()).rejects.toThrow();
    await expect(nowhere.close()).resolves.toBeUndefined();
    await expect(nowhere.publish('keel.feedback', EVENT_EXAMPLES['keel.feedback'], { key: 'r' })).rejects.toMatchObject(
      { code: 'NOT_CONNECTED' },
    );
  });
});
