// Binary classification metrics from labels (1 = positive) and P(positive), threshold 0.5.
import { MlError, MlErrorCode } from './errors';

export interface ConfusionMatrix {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
}

export interface Metrics {
  readonly rows: number;
  /** NaN when only one class is present. */
  readonly auc: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly logLoss: number;
  readonly confusion: ConfusionMatrix;
}

export function computeMetrics(y: ArrayLike<number>, proba: ArrayLike<number>): Metrics {
  if (y.length !== proba.length)
    throw new MlError(
      MlErrorCode.RowCountMismatch,
      `labels (${y.length}) and probabilities (${proba.length}) differ in length`,
    );
  const rows = y.length;
  if (rows === 0) throw new MlError(MlErrorCode.TooFewRows, 'no rows to evaluate');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let loss = 0;
  const eps = 1e-15;
  for (let i = 0; i < rows; i++) {
    const p = proba[i];
    if (!(p >= 0 && p <= 1))
      throw new MlError(MlErrorCode.InvalidValue, `probability at row ${i + 1} is ${p}, not in [0, 1]`);
    const positive = y[i] === 1;
    if (p > 0.5) {
      if (positive) tp++;
      else fp++;
    } else if (positive) fn++;
    else tn++;
    const q = Math.min(Math.max(p, eps), 1 - eps);
    loss -= positive ? Math.log(q) : Math.log(1 - q);
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    rows,
    auc: rocAuc(y, proba),
    accuracy: (tp + tn) / rows,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    logLoss: loss / rows,
    confusion: { tn, fp, fn, tp },
  };
}

/** ROC AUC as the Mann–Whitney statistic with tied scores sharing their average rank. */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[a] - score[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
