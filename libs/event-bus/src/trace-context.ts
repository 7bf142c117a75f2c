import {
  context as otelContext,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// W3C trace context is used directly rather than the global propagator, so traceparent crosses Kafka
// even in a process that registered no propagator (a script, a test).
const propagator = new W3CTraceContextPropagator();

const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };
const getter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** traceparent/tracestate for the given (default: active) context; empty when there is no valid span. */
export function injectTraceHeaders(ctx: Context = otelContext.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, setter);
  return carrier;
}

/** The remote context carried by traceparent/tracestate headers (the root context when absent or malformed). */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagator.extract(otelContext.active(), headers, getter);
}

export function remoteSpanContext(headers: Record<string, string>): SpanContext | undefined {
  const span = trace.getSpan(extractTraceContext(headers));
  const ctx = span?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx : undefined;
}
