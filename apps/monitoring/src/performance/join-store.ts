// Bounded join state for delayed labels: logged predictions wait here (by request id + row, and by
// entity id) until their label arrives, for at most `ttlMs` and at most `maxEntries` (oldest dropped
// first). Labels that arrive before their prediction wait briefly in a second bounded map; labels that
// never match are counted, never kept.
import { PendingLog } from './pending-log';

export interface PendingPrediction {
  model: string;
  version: number;
  /** P(positive class), the score the label is joined to. */
  positive: number;
  at: number;
}

export interface EarlyLabel {
  label: 0 | 1;
  at: number;
}

export interface JoinStoreOptions {
  ttlMs: number;
  maxEntries: number;
  /** How long a label waits for a prediction not seen yet. */
  earlyLabelTtlMs: number;
  maxEarlyLabels: number;
}

export interface JoinCounters {
  matched: number;
  /** Labels whose prediction was never seen (or had expired) within the early-label wait. */
  unmatched: number;
  /** Predictions that expired or were evicted before a label came. */
  expired: number;
  evicted: number;
}

export function requestKey(requestId: string, row: number): string {
  return `r\u0000${requestId}\u0000${row}`;
}

export function entityKey(entityId: string): string {
  return `e\u0000${entityId}`;
}

export class JoinStore {
  // Waiting predictions live in typed arrays (an insertion-ordered log with a hash index), not as an
  // object and a map entry each: hundreds of thousands of them would otherwise be copied and promoted by
  // every young-generation collection. Early labels are few and rare: a Map keeps them.
  private readonly predictions = new PendingLog();
  private readonly early = new Map<string, EarlyLabel>();
  readonly counters: JoinCounters = { matched: 0, unmatched: 0, expired: 0, evicted: 0 };

  constructor(private readonly o: JoinStoreOptions) {}

  get size(): number {
    return this.predictions.size;
  }

  get earlySize(): number {
    return this.early.size;
  }

  /** Records a prediction under its keys; returns the label when one was already waiting for it. */
  addPrediction(keys: readonly string[], p: PendingPrediction): EarlyLabel | null {
    return this.addScore(keys, p.model, p.version, p.positive, p.at);
  }

  /** addPrediction without a PendingPrediction object (one per logged row otherwise). */
  addScore(keys: readonly string[], model: string, version: number, positive: number, at: number): EarlyLabel | null {
    if (this.early.size > 0) {
      for (const key of keys) {
        const waiting = this.early.get(key);
        if (waiting) {
          this.early.delete(key);
          this.counters.matched++;
          return waiting;
        }
      }
    }
    // A key seen again moves to the end, as a Map's delete-then-set would.
    for (let k = 0; k < keys.length; k++) this.predictions.put(keys[k]!, model, version, positive, at);
    while (this.predictions.size > this.o.maxEntries) {
      this.predictions.dropOldest();
      this.counters.evicted++;
    }
    return null;
  }

  /** The prediction a label belongs to (removed: a label joins once), or null after parking the label. */
  takeForLabel(key: string, label: 0 | 1, now: number): PendingPrediction | null {
    this.expire(now);
    const p = this.predictions.take(key);
    if (p) {
      this.counters.matched++;
      return p;
    }
    this.early.delete(key);
    this.early.set(key, { label, at: now });
    while (this.early.size > this.o.maxEarlyLabels) {
      this.early.delete(this.early.keys().next().value as string);
      this.counters.unmatched++;
    }
    return null;
  }

  /** Drops expired predictions and labels (oldest first, so the scan stops at the first live one). */
  expire(now: number): void {
    for (let at = this.predictions.oldestAt(); at !== null && now - at >= this.o.ttlMs;) {
      this.predictions.dropOldest();
      this.counters.expired++;
      at = this.predictions.oldestAt();
    }
    for (const [key, l] of this.early) {
      if (now - l.at < this.o.earlyLabelTtlMs) break;
      this.early.delete(key);
      this.counters.unmatched++;
    }
  }
}
