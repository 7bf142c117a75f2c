import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { createLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { startTelemetry, withSpan } from './tracing';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({ serviceName: 'spec', spanProcessors: [new SimpleSpanProcessor(exporter)], env: {} });
afterAll(() => telemetry.shutdown());

function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('should carry the trace and span ids when logging inside a span', async () => {
    const { lines, stream } = captureLogs();
    const log = createLogger('registry', { destination: stream });
    let ids: { traceId: string; spanId: string } | undefined;
    await withSpan('work', async (span) => {
      ids = span.spanContext();
      log.info({ dataset: 'churn' }, 'inside');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({
      service: 'registry',
      level: 'info',
      msg: 'inside',
      trace_id: ids!.traceId,
      span_id: ids!.spanId,
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('should redact secrets when a config object is logged', () => {
    const { lines, stream } = captureLogs();
    createLogger('x', { destination: stream }).info({ config: { databaseUrl: 'postgres://u:p@h/db' } }, 'cfg');
    expect(JSON.stringify(lines[0])).not.toContain('u:p');
  });
});

describe('withSpan', () => {
  it('should mark the span as an error when the work throws', async () => {
    exporter.reset();
    await expect(
      withSpan('fails', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('fails');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
  });
});

describe('ServiceMetrics', () => {
  it('should label process and own metrics with the service name when exposed', async () => {
    const metrics = new ServiceMetrics('training');
    metrics.counter('keel_jobs_total', 'jobs', ['state']).inc({ state: 'done' });
    await metrics.time(metrics.histogram('keel_step_seconds', 'step'), {}, async () => 1);
    const text = await metrics.text();
    expect(text).toMatch(/process_resident_memory_bytes\{service="training"\} \d+/);
    expect(text).toContain('keel_jobs_total{state="done",service="training"} 1');
    expect(text).toContain('keel_step_seconds_count{service="training"} 1');
  });
});
