import { ErrorCode } from '../protocol/errors';
import { inSequence, isIdempotent, lastSequence, type ProducerState } from './producer-state';
import type { BatchInfo } from './record-batch';
import { decodeRecords } from './record-codec';
import type { TopicConfig } from './topic-config';

// Checks a produce request's batches must pass before anything is written.

// A compacted topic needs a key on every record, as in Kafka (INVALID_RECORD otherwise).
export function checkKeys(topic: TopicConfig, records: Buffer, batches: BatchInfo[]): ErrorCode | null {
  if (!topic.cleanupPolicy.includes('compact')) return null;
  for (const b of batches) {
    try {
      if (decodeRecords(records.subarray(b.start, b.start + b.size)).some((r) => r.key === null)) {
        return ErrorCode.INVALID_RECORD;
      }
    } catch {
      return ErrorCode.CORRUPT_MESSAGE;
    }
  }
  return null;
}

export type SequenceOutcome =
  | { kind: 'ok' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'refused'; errorCode: ErrorCode };

// Kafka's idempotent-producer rules per batch; batches of one request are checked against each
// other too. A retried single batch the log holds is a duplicate, answered with its first offset.
export function checkSequences(producers: ProducerState, batches: BatchInfo[]): SequenceOutcome {
  const pending = new Map<number, { epoch: number; lastSeq: number }>();
  for (const b of batches) {
    if (!isIdempotent(b)) continue;
    const p = pending.get(b.producerId);
    if (p && (p.epoch !== b.producerEpoch || !inSequence(p.lastSeq, b.baseSequence))) {
      return { kind: 'refused', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (!p) {
      const check = producers.check(b);
      switch (check.kind) {
        case 'duplicate':
          if (batches.length > 1) return { kind: 'refused', errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER };
          return { kind: 'duplicate', baseOffset: check.baseOffset, lastOffset: check.lastOffset };
        case 'out-of-order':
          return { kind: 'refused', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
        case 'fenced':
          return { kind: 'refused', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
        case 'ok':
          break;
      }
    }
    pending.set(b.producerId, { epoch: b.producerEpoch, lastSeq: lastSequence(b) });
  }
  return { kind: 'ok' };
}
