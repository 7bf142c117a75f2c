// Run by otel-export.int-spec.ts in a child process (the OTLP HTTP exporters load `http` with a dynamic
// import(), which jest's module sandbox cannot run): starts telemetry from this process's OTEL_* env,
// ends one span per argument, flushes on shutdown and prints what it did as one JSON line.
import { startTelemetry } from './tracing';

async function main(): Promise<void> {
  const telemetry = startTelemetry({ serviceName: 'spec' });
  const tracer = telemetry.provider.getTracer('spec');
  const recording = process.argv.slice(2).map((name) => {
    const span = tracer.startSpan(name);
    span.end();
    return span.isRecording() || span.spanContext().traceFlags === 1;
  });
  await telemetry.shutdown();
  const { exporting, disabled, otel } = telemetry;
  process.stdout.write(`${JSON.stringify({ exporting, disabled, recording, problems: otel.problems })}\n`);
}

void main();
