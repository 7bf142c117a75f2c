import {
  context,
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
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  provider: NodeTracerProvider;
  /** True when spans leave the process (OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  exporting: boolean;
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/**
 * Starts tracing for a service. Call it before anything requires http or @grpc/grpc-js (the
 * service's `instrument.ts`, imported first by `main.ts`), so that both are instrumented.
 * Without OTEL_EXPORTER_OTLP_ENDPOINT spans still get ids (for logs and propagation) but are not exported.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current;
  const env = options.env ?? process.env;
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  const exporting = Boolean(endpoint) && env['OTEL_TRACES_EXPORTER'] !== 'none';
  if (exporting) {
    // Loaded only when used: the exporter pulls in protobuf encoders a quiet service never needs.
    type OtlpProto = typeof import('@opentelemetry/exporter-trace-otlp-proto');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as OtlpProto;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env['OTEL_SERVICE_NAME'] ?? `keel-${options.serviceName}`,
      'service.namespace': 'keel',
      'service.version': options.serviceVersion ?? '0.1.0',
    }),
    spanProcessors: processors,
  });
  provider.register();
  registerInstrumentations({
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
    exporting,
    shutdown: async () => {
      await provider.shutdown();
      current = undefined;
    },
  };
  return current;
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
