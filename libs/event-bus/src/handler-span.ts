import { SpanKind, trace, type Link } from '@opentelemetry/api';
import { withSpan } from '@keel/telemetry';
import { extractTraceContext, remoteSpanContext } from './trace-context';

export interface MessageCoordinates {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/**
 * Runs a handler in a CONSUMER span: a child of the producer's context (so the trace id carries on)
 * and linked to the producer span, which is how asynchronous hops are joined in DESIGN.md.
 */
export function inConsumerSpan<R>(
  msg: MessageCoordinates,
  group: string,
  attempt: number,
  fn: () => Promise<R>,
): Promise<R> {
  const parent = extractTraceContext(msg.headers);
  const producer = trace.getSpanContext(parent);
  return withSpan(
    `process ${msg.topic}`,
    () => fn(),
    {
      kind: SpanKind.CONSUMER,
      links: producer && trace.isSpanContextValid(producer) ? [{ context: producer }] : [],
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': msg.topic,
        'messaging.destination.partition.id': String(msg.partition),
        'messaging.kafka.offset': Number(msg.offset),
        'messaging.message.id': msg.id,
        'messaging.consumer.group.name': group,
        'keel.attempt': attempt,
      },
    },
    { parent, tracerName: '@keel/event-bus' },
  );
}

// The SDK's default link limit: links past it would be dropped anyway.
const MAX_BATCH_LINKS = 128;

/**
 * Runs a batch handler in one CONSUMER span for the whole chunk (OpenTelemetry's batch convention): a
 * child of the first message's producer context, linked to the producer spans of the messages (the
 * first 128 distinct ones). A chunk of one message gets exactly the span `inConsumerSpan` gives it.
 */
export function inBatchSpan<R>(msgs: readonly MessageCoordinates[], group: string, fn: () => Promise<R>): Promise<R> {
  const first = msgs[0]!;
  if (msgs.length === 1) return inConsumerSpan(first, group, 1, fn);
  const parent = extractTraceContext(first.headers);
  const links: Link[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < msgs.length && links.length < MAX_BATCH_LINKS; i++) {
    // Most records carry no traceparent (or the same one): skip the propagator for those.
    const traceparent = msgs[i]!.headers['traceparent'];
    if (!traceparent || seen.has(traceparent)) continue;
    seen.add(traceparent);
    const producer = i === 0 ? trace.getSpanContext(parent) : remoteSpanContext(msgs[i]!.headers);
    if (producer && trace.isSpanContextValid(producer)) links.push({ context: producer });
  }
  const last = msgs[msgs.length - 1]!;
  return withSpan(
    `process ${first.topic}`,
    () => fn(),
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': first.topic,
        'messaging.destination.partition.id': String(first.partition),
        'messaging.batch.message_count': msgs.length,
        'messaging.kafka.offset': Number(first.offset),
        'keel.kafka.last_offset': Number(last.offset),
        'messaging.consumer.group.name': group,
        'keel.attempt': 1,
      },
    },
    { parent, tracerName: '@keel/event-bus' },
  );
}
