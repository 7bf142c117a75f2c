import { SpanKind, trace } from '@opentelemetry/api';
import { withSpan } from '@keel/telemetry';
import { extractTraceContext } from './trace-context';

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
