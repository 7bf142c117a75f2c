// Trace context that waits: a job row in a queue, a prediction in a drift window, a batch of records in
// staging. The context is kept as its W3C traceparent text and becomes a span LINK when the work is
// picked up, so a trace backend can walk from the later span back to the one that caused it.
import { context, trace, TraceFlags, type Context, type Link, type SpanContext } from '@opentelemetry/api';

/** Most links a span gets from stored contexts (a bounded sample, not every cause). */
export const MAX_STORED_LINKS = 32;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The traceparent of the given (default: active) context's span; null when there is no valid span. */
export function traceparentOf(ctx: Context = context.active()): string | null {
  const sc = trace.getSpanContext(ctx);
  return sc ? traceparentOfSpan(sc) : null;
}

export function traceparentOfSpan(sc: SpanContext): string | null {
  if (!trace.isSpanContextValid(sc)) return null;
  const flags = (sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}

/** The span context a stored traceparent names; undefined when it is missing or malformed. */
export function spanContextOf(traceparent: string | null | undefined): SpanContext | undefined {
  const m = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!m) return undefined;
  const sc: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
  return trace.isSpanContextValid(sc) ? sc : undefined;
}

/** Links to the stored contexts (invalid ones skipped, duplicates once), at most `max`. */
export function linksTo(
  stored: readonly (string | SpanContext | null | undefined)[],
  max = MAX_STORED_LINKS,
  attributes?: Link['attributes'],
): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const s of stored) {
    if (links.length >= max) break;
    const sc = typeof s === 'string' || s == null ? spanContextOf(s) : s;
    if (!sc || !trace.isSpanContextValid(sc) || seen.has(sc.spanId)) continue;
    seen.add(sc.spanId);
    links.push(attributes ? { context: sc, attributes } : { context: sc });
  }
  return links;
}

/**
 * A bounded, uniform sample of the contexts of a stream (reservoir sampling): at most `size` kept
 * whatever the traffic, each item equally likely to be among them. For a window that covers many
 * predictions and links to some of them.
 */
export class ContextSample {
  private items: string[] = [];
  private seen = 0;

  constructor(
    private readonly size = MAX_STORED_LINKS,
    private readonly random: () => number = Math.random,
  ) {}

  get count(): number {
    return this.seen;
  }

  add(traceparent: string | null | undefined): void {
    if (!traceparent) return;
    this.seen++;
    if (this.items.length < this.size) this.items.push(traceparent);
    else {
      const i = Math.floor(this.random() * this.seen);
      if (i < this.size) this.items[i] = traceparent;
    }
  }

  /** The sample so far, and a fresh start. */
  take(): string[] {
    const out = this.items;
    this.items = [];
    this.seen = 0;
    return out;
  }

  toJSON(): { items: string[]; seen: number } {
    return { items: [...this.items], seen: this.seen };
  }

  static fromJSON(json: { items: string[]; seen: number }, size = MAX_STORED_LINKS): ContextSample {
    const s = new ContextSample(size);
    s.items = json.items.slice(0, size);
    s.seen = Math.max(json.seen, s.items.length);
    return s;
  }
}
