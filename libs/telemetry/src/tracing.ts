import {
  context,
  propagation,
  trace,
  type Context,
  type Span,
  SpanStatusCode,
  type Attributes,
  type SpanOptions,
} from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { readOtelEnv, type OtelEnv } from './otel-env';
import { createConsoleExporter, createOtlpExporter, createSampler } from './otel-sdk';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  provider: NodeTracerProvider;
  /** True when spans leave the process over OTLP (an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp is set). */
  exporting: boolean;
  /** OTEL_SDK_DISABLED=true: nothing registered, no spans recorded. */
  disabled: boolean;
  /** The OTEL_* settings as read (docs/tracing.md), with the values that were ignored. */
  otel: OtelEnv;
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/**
 * Starts tracing for a service. Call it before anything requires http or @grpc/grpc-js (the
 * service's `instrument.ts`, imported first by `main.ts`), so that both are instrumented.
 * The standard OTEL_* variables apply (otel-env.ts, docs/tracing.md). Without an OTLP endpoint spans
 * still get ids (for logs and propagation) but are not exported.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current;
  const env = options.env ?? process.env;
  const otel = readOtelEnv(env);
  if (otel.problems.length > 0) warnIgnored(options.serviceName, otel.problems);
  if (otel.disabled) {
    // Never registered: the API stays a no-op; the provider itself records nothing either.
    const provider = new NodeTracerProvider({ sampler: createSampler({ name: 'always_off', ratio: 0 }) });
    current = { provider, exporting: false, disabled: true, otel, shutdown: () => shutdownCurrent(provider) };
    return current;
  }
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (otel.otlp) processors.push(new BatchSpanProcessor(createOtlpExporter(otel.otlp)));
  if (otel.console) processors.push(new SimpleSpanProcessor(createConsoleExporter()));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.namespace': 'keel',
      'service.version': options.serviceVersion ?? '0.1.0',
      ...otel.resourceAttributes,
      'service.name': otel.serviceName ?? `keel-${options.serviceName}`,
    }),
    sampler: createSampler(otel.sampler),
    spanProcessors: processors,
  });
  provider.register();
  const unload = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)/.test(req.url ?? ''),
      }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch', 'ServerReflectionInfo'] }),
    ],
  });
  current = {
    provider,
    exporting: Boolean(otel.otlp),
    disabled: false,
    otel,
    shutdown: async () => {
      unload();
      await shutdownCurrent(provider);
      // Frees the globals, so a later startTelemetry in the same process (tests) registers again.
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
  return current;
}

async function shutdownCurrent(provider: NodeTracerProvider): Promise<void> {
  await provider.shutdown();
  current = undefined;
}

// Before the logger exists: one JSON line on stderr listing every ignored OTEL_* value.
function warnIgnored(service: string, problems: string[]): void {
  const line = {
    level: 'warn',
    time: new Date().toISOString(),
    service,
    msg: 'ignored OpenTelemetry settings',
    problems,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/** The telemetry started in this process, if any. */
export function currentTelemetry(): Telemetry | undefined {
  return current;
}

export function tracer(name = 'keel') {
  return trace.getTracer(name);
}

/**
 * Runs fn inside a new active span (a child of `parent`, or of the active context); records an exception
 * and an error status when it throws.
 */
export async function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T>,
  options: SpanOptions = {},
  where: { parent?: Context; tracerName?: string } = {},
): Promise<T> {
  return tracer(where.tracerName).startActiveSpan(name, options, where.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The active trace and span ids, for log lines. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const ctx = span.spanContext();
  if (!trace.isSpanContextValid(ctx)) return undefined;
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

export type { Attributes };
