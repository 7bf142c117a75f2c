import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { ContextSample, linksTo, spanContextOf, traceparentOf, traceparentOfSpan } from './stored-context';

const tp = (n: number, flags = '01') => `00-${'a'.repeat(31)}${n % 10}-${'b'.repeat(15)}${n % 10}-${flags}`;

describe('stored trace context', () => {
  it('should round-trip a span context through its traceparent', () => {
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const text = traceparentOfSpan(sc);
    expect(text).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(spanContextOf(text)).toEqual({ ...sc, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(traceparentOf(trace.setSpanContext(ROOT_CONTEXT, sc))).toBe(text);
  });

  it.each([null, undefined, '', 'garbage', `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`, '01-x-y-01'])(
    'should find no context in %j',
    (text) => {
      expect(spanContextOf(text)).toBeUndefined();
    },
  );

  it('should give no traceparent without an active span', () => {
    expect(traceparentOf(ROOT_CONTEXT)).toBeNull();
  });

  it('should link to valid contexts once each, at most max', () => {
    const links = linksTo([tp(1), 'bad', null, tp(1), tp(2), tp(3)], 2);
    expect(links.map((l) => l.context.spanId)).toEqual([`${'b'.repeat(15)}1`, `${'b'.repeat(15)}2`]);
  });

  it('should keep a bounded sample of a long stream and start afresh when taken', () => {
    const sample = new ContextSample(4, () => 0.5);
    for (let i = 0; i < 1000; i++) sample.add(tp(i));
    sample.add(null);
    expect(sample.count).toBe(1000);
    const taken = sample.take();
    expect(taken).toHaveLength(4);
    expect(sample.count).toBe(0);
    expect(sample.take()).toEqual([]);
    const restored = ContextSample.fromJSON({ items: taken, seen: 1000 }, 4);
    expect(restored.toJSON()).toEqual({ items: taken, seen: 1000 });
  });
});
