// Labelled predictions of one model version, in windows of N labels: at close, libs/ml's computeMetrics
// (the same function training evaluates with) gives AUC, accuracy, F1 and log loss. A window keeps
// exactly N (score, label) pairs, so memory is bounded by the window size.
import { computeMetrics, type Metrics } from '@keel/ml';

export interface PerformanceMetrics {
  rows: number;
  positives: number;
  /** Null when the window holds one class only. */
  auc: number | null;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  log_loss: number;
}

export interface ClosedPerformanceWindow {
  seq: number;
  from: number;
  to: number;
  metrics: PerformanceMetrics;
}

export function toPerformanceMetrics(m: Metrics, positives: number): PerformanceMetrics {
  return {
    rows: m.rows,
    positives,
    auc: Number.isNaN(m.auc) ? null : m.auc,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    log_loss: m.logLoss,
  };
}

export class PerformanceWindow {
  private readonly scores: Float64Array;
  private readonly labels: Uint8Array;
  private n = 0;
  private from = 0;
  private to = 0;
  private seq = 0;

  constructor(readonly size: number) {
    this.scores = new Float64Array(size);
    this.labels = new Uint8Array(size);
  }

  get pending(): number {
    return this.n;
  }

  /** Adds one labelled prediction; returns the closed window when this label filled it. */
  add(score: number, label: 0 | 1, at: number): ClosedPerformanceWindow | null {
    if (this.n === 0) this.from = at;
    this.scores[this.n] = score;
    this.labels[this.n] = label;
    this.n++;
    this.to = Math.max(this.to, at);
    if (this.n < this.size) return null;
    let positives = 0;
    for (let i = 0; i < this.n; i++) positives += this.labels[i]!;
    const metrics = toPerformanceMetrics(computeMetrics(this.labels, this.scores), positives);
    this.seq++;
    const closed = { seq: this.seq, from: this.from, to: this.to, metrics };
    this.n = 0;
    this.to = 0;
    return closed;
  }
}

/** A ground-truth label as 1 (positive) or 0, or null when it names neither class. */
export function binaryLabel(label: number | string | boolean): 0 | 1 | null {
  if (typeof label === 'boolean') return label ? 1 : 0;
  if (typeof label === 'number') return label === 1 ? 1 : label === 0 ? 0 : null;
  const t = label.trim().toLowerCase();
  if (t === '1' || t === 'true' || t === 'yes') return 1;
  if (t === '0' || t === 'false' || t === 'no') return 0;
  return null;
}
