import type { BatchInfo } from './record-batch';

// Idempotent-producer state of one partition, kept as Kafka keeps it: the last five batches of each
// producer id (the Java client and librdkafka keep up to five requests in flight), so any of them
// retried is answered with its original offset, and a gap is refused.
export const BATCHES_PER_PRODUCER = 5;
const MAX_SEQ = 2147483647;

export interface BatchMeta {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
  lastTimestamp: number; // wall clock of the last append: producer.id.expiration.ms counts from here
}

export type SequenceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'out-of-order' }
  | { kind: 'fenced' };

export function lastSequence(b: BatchInfo): number {
  const last = b.baseSequence + b.lastOffsetDelta;
  return last > MAX_SEQ ? last - MAX_SEQ - 1 : last;
}

export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQ);
}

export function isIdempotent(b: BatchInfo): boolean {
  return b.producerId >= 0 && b.baseSequence >= 0;
}

export class ProducerState {
  readonly producers = new Map<number, ProducerEntry>();

  // Checks one batch against the producer's history (Kafka's ProducerAppendInfo rules).
  check(b: BatchInfo): SequenceCheck {
    if (!isIdempotent(b)) return { kind: 'ok' };
    const e = this.producers.get(b.producerId);
    // Unknown producer (new, or its state expired): any sequence starts it, as in Kafka.
    if (!e) return { kind: 'ok' };
    if (b.producerEpoch < e.epoch) return { kind: 'fenced' };
    if (b.producerEpoch > e.epoch) return b.baseSequence === 0 ? { kind: 'ok' } : { kind: 'out-of-order' };
    const last = lastSequence(b);
    const dup = e.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === last);
    if (dup) return { kind: 'duplicate', baseOffset: dup.firstOffset, lastOffset: dup.lastOffset };
    const newest = e.batches.at(-1);
    if (newest && !inSequence(newest.lastSeq, b.baseSequence)) return { kind: 'out-of-order' };
    return { kind: 'ok' };
  }

  record(b: BatchInfo, firstOffset: number, now: number): void {
    if (!isIdempotent(b)) return;
    let e = this.producers.get(b.producerId);
    if (!e || e.epoch !== b.producerEpoch) {
      e = { epoch: b.producerEpoch, batches: [], lastTimestamp: now };
      this.producers.set(b.producerId, e);
    }
    e.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequence(b),
      firstOffset,
      lastOffset: firstOffset + b.lastOffsetDelta,
    });
    if (e.batches.length > BATCHES_PER_PRODUCER) e.batches.shift();
    e.lastTimestamp = Math.max(e.lastTimestamp, now);
  }

  // Drops producers idle for at least `expirationMs` (producer.id.expiration.ms); returns how many.
  expire(now: number, expirationMs: number): number {
    let n = 0;
    for (const [id, e] of this.producers) {
      if (now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id);
        n++;
      }
    }
    return n;
  }

  // Forgets producers whose every batch lies below the log start offset (retention, DeleteRecords).
  truncateHead(logStartOffset: number): void {
    for (const [id, e] of this.producers) {
      if ((e.batches.at(-1)?.lastOffset ?? -1) < logStartOffset) this.producers.delete(id);
    }
  }

  toJSON(): unknown {
    return [...this.producers].map(([id, e]) => ({
      id,
      epoch: e.epoch,
      ts: e.lastTimestamp,
      batches: e.batches.map((m) => [m.firstSeq, m.lastSeq, m.firstOffset, m.lastOffset]),
    }));
  }

  static fromJSON(raw: unknown): ProducerState {
    const state = new ProducerState();
    if (!Array.isArray(raw)) throw new Error('producer snapshot: not a list');
    for (const p of raw as { id: number; epoch: number; ts: number; batches: number[][] }[]) {
      const ok =
        Number.isSafeInteger(p.id) && Number.isInteger(p.epoch) && Number.isFinite(p.ts) && Array.isArray(p.batches);
      if (!ok || p.batches.some((b) => !Array.isArray(b) || b.length !== 4 || !b.every(Number.isSafeInteger))) {
        throw new Error(`producer snapshot: bad entry ${JSON.stringify(p).slice(0, 100)}`);
      }
      state.producers.set(p.id, {
        epoch: p.epoch,
        lastTimestamp: p.ts,
        batches: p.batches.map(([firstSeq, lastSeq, firstOffset, lastOffset]) => ({
          firstSeq,
          lastSeq,
          firstOffset,
          lastOffset,
        })),
      });
    }
    return state;
  }
}
