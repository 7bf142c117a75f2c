import pino, { type Logger, type LoggerOptions } from 'pino';
import { activeTraceIds } from './tracing';

export type { Logger };

/** Structured JSON logs on stdout; every line carries the service and, inside a span, trace_id and span_id. */
export function createLogger(
  service: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => activeTraceIds() ?? {},
    redact: { paths: ['*.password', '*.secret', '*.token', 'config.databaseUrl'], censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
