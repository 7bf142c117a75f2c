import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { extractTraceContext } from './trace-context';

const tracer = () => trace.getTracer('@keel/event-bus');

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
export function inConsumerSpan<R>(msg: MessageCoordinates, group: string, attempt: number, fn: () => Promise<R>): Promise<R> {
  const parent = extractTraceContext(msg.headers);
  const producer = trace.getSpanContext(parent);
  const span = tracer().startSpan(
    `process ${msg.topic}`,
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
    parent,
  );
  return otelContext.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
