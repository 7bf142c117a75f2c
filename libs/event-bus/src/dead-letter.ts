import type { EventBusErrorCode } from './errors';

export const DLQ_HEADERS = {
  code: 'keel_error_code',
  message: 'keel_error_message',
  topic: 'keel_source_topic',
  partition: 'keel_source_partition',
  offset: 'keel_source_offset',
  failedAt: 'keel_failed_at',
  attempts: 'keel_attempts',
  group: 'keel_consumer_group',
} as const;

export interface DeadLetterReason {
  code: EventBusErrorCode;
  message: string;
  topic: string;
  partition: number;
  offset: string;
  failedAt: Date;
  attempts: number;
  group: string;
}

// Long error messages (stack-like dumps) are cut: a header is not a log file.
const MAX_MESSAGE = 2048;

/** The original headers, untouched, plus why and where the message failed. */
export function deadLetterHeaders<H>(
  original: Record<string, H>,
  reason: DeadLetterReason,
): Record<string, H | string> {
  return {
    ...original,
    [DLQ_HEADERS.code]: reason.code,
    [DLQ_HEADERS.message]:
      reason.message.length > MAX_MESSAGE ? `${reason.message.slice(0, MAX_MESSAGE - 1)}…` : reason.message,
    [DLQ_HEADERS.topic]: reason.topic,
    [DLQ_HEADERS.partition]: String(reason.partition),
    [DLQ_HEADERS.offset]: reason.offset,
    [DLQ_HEADERS.failedAt]: reason.failedAt.toISOString(),
    [DLQ_HEADERS.attempts]: String(reason.attempts),
    [DLQ_HEADERS.group]: reason.group,
  };
}
