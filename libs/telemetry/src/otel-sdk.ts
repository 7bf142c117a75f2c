import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { OtelEnv, OtlpExport } from './otel-env';

// One OTLP exporter per protocol, each loaded only when used: the exporters pull in protobuf encoders
// and gRPC a service that does not export never needs. Headers, timeout and compression come from the
// exporters' own OTEL_EXPORTER_OTLP_* handling.
type OtlpProto = typeof import('@opentelemetry/exporter-trace-otlp-proto');
type OtlpJson = typeof import('@opentelemetry/exporter-trace-otlp-http');
type OtlpGrpc = typeof import('@opentelemetry/exporter-trace-otlp-grpc');

export function createOtlpExporter({ protocol, url }: OtlpExport): SpanExporter {
  switch (protocol) {
    case 'http/protobuf': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as OtlpProto;
      return new OTLPTraceExporter({ url });
    }
    case 'http/json': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as OtlpJson;
      return new OTLPTraceExporter({ url });
    }
    case 'grpc': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc') as OtlpGrpc;
      return new OTLPTraceExporter({ url });
    }
  }
}

export function createConsoleExporter(): SpanExporter {
  return new ConsoleSpanExporter();
}

/** OTEL_TRACES_SAMPLER (+ _ARG) as the SDK sampler it names. */
export function createSampler({ name, ratio }: OtelEnv['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
