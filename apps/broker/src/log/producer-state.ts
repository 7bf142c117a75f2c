import type { BatchInfo } from './record-batch';

// Last batch per idempotent producer, enough to answer a retried batch with its original offset and
// to reject gaps, as Kafka does for the newest batch of each producer.
interface ProducerEntry {
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

export type SequenceCheck =
  { kind: 'ok' } | { kind: 'duplicate'; baseOffset: number } | { kind: 'out-of-order' } | { kind: 'fenced' };

export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  check(b: BatchInfo): SequenceCheck {
    if (b.producerId < 0 || b.baseSequence < 0) return { kind: 'ok' };
    const e = this.producers.get(b.producerId);
    if (!e) return { kind: 'ok' };
    if (b.producerEpoch < e.epoch) return { kind: 'fenced' };
    if (b.producerEpoch > e.epoch) return b.baseSequence === 0 ? { kind: 'ok' } : { kind: 'out-of-order' };
    if (b.baseSequence === e.firstSeq) return { kind: 'duplicate', baseOffset: e.baseOffset };
    if (b.baseSequence !== ((e.lastSeq + 1) | 0) % 2147483648) return { kind: 'out-of-order' };
    return { kind: 'ok' };
  }

  record(b: BatchInfo, baseOffset: number): void {
    if (b.producerId < 0 || b.baseSequence < 0) return;
    this.producers.set(b.producerId, {
      epoch: b.producerEpoch,
      firstSeq: b.baseSequence,
      lastSeq: b.baseSequence + b.lastOffsetDelta,
      baseOffset,
    });
  }
}
