// Bounded join state for delayed labels: logged predictions wait here (by request id + row, and by
// entity id) until their label arrives, for at most `ttlMs` and at most `maxEntries` (oldest dropped
// first). Labels that arrive before their prediction wait briefly in a second bounded map; labels that
// never match are counted, never kept.
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
  // Map iteration order is insertion order, so the first entries are always the oldest.
  private readonly predictions = new Map<string, PendingPrediction>();
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
  addPrediction(keys: string[], p: PendingPrediction): EarlyLabel | null {
    for (const key of keys) {
      const waiting = this.early.get(key);
      if (waiting) {
        this.early.delete(key);
        this.counters.matched++;
        return waiting;
      }
    }
    for (const key of keys) {
      this.predictions.delete(key);
      this.predictions.set(key, p);
    }
    while (this.predictions.size > this.o.maxEntries) {
      const oldest = this.predictions.keys().next().value as string;
      this.predictions.delete(oldest);
      this.counters.evicted++;
    }
    return null;
  }

  /** The prediction a label belongs to (removed: a label joins once), or null after parking the label. */
  takeForLabel(key: string, label: 0 | 1, now: number): PendingPrediction | null {
    this.expire(now);
    const p = this.predictions.get(key);
    if (p) {
      this.predictions.delete(key);
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
    for (const [key, p] of this.predictions) {
      if (now - p.at < this.o.ttlMs) break;
      this.predictions.delete(key);
      this.counters.expired++;
    }
    for (const [key, l] of this.early) {
      if (now - l.at < this.o.earlyLabelTtlMs) break;
      this.early.delete(key);
      this.counters.unmatched++;
    }
  }
}
