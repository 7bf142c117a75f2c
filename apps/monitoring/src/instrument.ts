// Imported first by main.ts: tracing must patch http and @grpc/grpc-js before anything loads them.
import { startTelemetry } from '@keel/telemetry';

startTelemetry({ serviceName: 'monitoring' });
