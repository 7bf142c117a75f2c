import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface EventBusMetrics {
  published: Counter<'type' | 'topic'>;
  consumed: Counter<'type' | 'group' | 'outcome'>;
  failed: Counter<'type' | 'group' | 'code'>;
  deadLettered: Counter<'topic' | 'group' | 'code'>;
  handlerSeconds: Histogram<'type' | 'group'>;
  lag: Gauge<'topic' | 'partition' | 'group'>;
  outboxPending: Gauge;
  outboxFailed: Counter<'topic'>;
  outboxPruned: Counter;
  paused: Gauge<'topic' | 'partition' | 'group'>;
}

function existing<M>(registry: Registry, name: string): M | undefined {
  return registry.getSingleMetric(name) as M | undefined;
}

/** The bus's metrics in the service's registry; a second bus in the same registry shares them. */
export function createEventBusMetrics(registry: Registry): EventBusMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    existing<Counter<L>>(registry, name) ?? new Counter({ name, help, labelNames, registers: [registry] });
  return {
    published: counter('keel_events_published_total', 'Events written to Kafka by publish() or the outbox relay.', [
      'type',
      'topic',
    ]),
    consumed: counter('keel_events_consumed_total', 'Consumed events by outcome: handled or duplicate (skipped).', [
      'type',
      'group',
      'outcome',
    ]),
    failed: counter('keel_events_failed_total', 'Handler attempts and messages that failed.', [
      'type',
      'group',
      'code',
    ]),
    deadLettered: counter('keel_events_dead_lettered_total', 'Messages written to a dead-letter topic.', [
      'topic',
      'group',
      'code',
    ]),
    handlerSeconds:
      existing<Histogram<'type' | 'group'>>(registry, 'keel_event_handler_duration_seconds') ??
      new Histogram({
        name: 'keel_event_handler_duration_seconds',
        help: 'Time spent in one handler call.',
        labelNames: ['type', 'group'],
        buckets: DURATION_BUCKETS,
        registers: [registry],
      }),
    lag:
      existing<Gauge<'topic' | 'partition' | 'group'>>(registry, 'keel_event_consumer_lag') ??
      new Gauge({
        name: 'keel_event_consumer_lag',
        help: 'Messages behind the partition end, per consumed batch.',
        labelNames: ['topic', 'partition', 'group'],
        registers: [registry],
      }),
    outboxFailed: counter(
      'keel_outbox_failed_total',
      'Outbox rows given up on after too many failed sends (skipped).',
      ['topic'],
    ),
    outboxPruned:
      existing<Counter>(registry, 'keel_outbox_pruned_total') ??
      new Counter({
        name: 'keel_outbox_pruned_total',
        help: 'Sent outbox rows deleted after the retention.',
        registers: [registry],
      }),
    paused:
      existing<Gauge<'topic' | 'partition' | 'group'>>(registry, 'keel_event_consumer_paused') ??
      new Gauge({
        name: 'keel_event_consumer_paused',
        help: '1 while a partition waits out a dependency outage (nothing committed, nothing dead-lettered).',
        labelNames: ['topic', 'partition', 'group'],
        registers: [registry],
      }),
    outboxPending:
      existing<Gauge>(registry, 'keel_outbox_pending') ??
      new Gauge({
        name: 'keel_outbox_pending',
        help: 'Outbox rows read but not yet marked sent by the last relay pass.',
        registers: [registry],
      }),
  };
}
