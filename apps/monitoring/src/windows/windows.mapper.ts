// Stored window rows in the shape every reader gets (gRPC, the CLI's --json, the ops page).
import type { ColumnDrift } from '@keel/ml';
import type { AlertRow, DriftWindowRow, PerformanceWindowRow, WebhookDeliveryRow } from '../common/monitoring.entities';
import type { PerformanceMetrics } from '../performance/performance-window';
import type { DriftEvaluation } from './drift-evaluation';

export interface FeatureDriftView {
  feature: string;
  kind: string;
  test: string;
  score: number | null;
  threshold: number;
  drift: boolean;
  rowsReference: number;
  rowsCurrent: number;
  exact: boolean;
  note: string;
  statistics: Record<string, number>;
}

export interface DriftWindowView {
  id: string;
  model: string;
  version: number;
  seq: number;
  fromMs: number;
  toMs: number;
  rows: number;
  dataset: string;
  datasetVersion: number;
  referenceSha256: string;
  features: FeatureDriftView[];
  driftedFeatures: string[];
  driftShare: number;
  datasetDrift: boolean;
  prediction: FeatureDriftView | null;
  predictionNote: string;
  createdAtMs: number;
}

const STAT_KEYS = [
  'ks_statistic',
  'ks_pvalue',
  'wasserstein',
  'wasserstein_normed',
  'jensen_shannon',
  'psi',
  'chi2_statistic',
  'chi2_pvalue',
  'z_pvalue',
  'missing_ref',
  'missing_cur',
] as const;

export function featureView(feature: string, d: ColumnDrift): FeatureDriftView {
  const statistics: Record<string, number> = {};
  for (const k of STAT_KEYS) if (d[k] !== undefined) statistics[k] = d[k];
  return {
    feature,
    kind: d.kind,
    test: d.test,
    score: d.score,
    threshold: d.threshold,
    drift: d.drift,
    rowsReference: d.n_ref,
    rowsCurrent: d.n_cur,
    exact: d.exact,
    note: d.note ?? '',
    statistics,
  };
}

export function windowView(row: DriftWindowRow): DriftWindowView {
  const e = JSON.parse(row.report) as DriftEvaluation;
  return {
    id: row.id,
    model: row.model,
    version: row.version,
    seq: row.seq,
    fromMs: row.fromMs,
    toMs: row.toMs,
    rows: row.rows,
    dataset: row.dataset ?? '',
    datasetVersion: row.datasetVersion ?? 0,
    referenceSha256: row.referenceSha256,
    features: Object.entries(e.features).map(([f, d]) => featureView(f, d)),
    driftedFeatures: e.driftedFeatures,
    driftShare: e.driftShare,
    datasetDrift: e.datasetDrift,
    prediction: e.prediction ? featureView('prediction', e.prediction) : null,
    predictionNote: e.predictionNote ?? '',
    createdAtMs: row.createdAt,
  };
}

export interface PerformanceWindowView extends Omit<PerformanceMetrics, 'log_loss'> {
  logLoss: number;
  id: string;
  model: string;
  version: number;
  seq: number;
  fromMs: number;
  toMs: number;
  metric: string;
  baseline: number | null;
  degraded: boolean;
  createdAtMs: number;
}

export function performanceView(row: PerformanceWindowRow): PerformanceWindowView {
  const { log_loss: logLoss, ...metrics } = JSON.parse(row.metrics) as PerformanceMetrics;
  return {
    id: row.id,
    model: row.model,
    version: row.version,
    seq: row.seq,
    fromMs: row.fromMs,
    toMs: row.toMs,
    ...metrics,
    logLoss,
    metric: row.metric,
    baseline: row.baseline,
    degraded: row.degraded === 1,
    createdAtMs: row.createdAt,
  };
}

/** `alerts --json` items: model, version, kind, status, window, driftedFeatures (inputs only), and more. */
export interface AlertView {
  id: string;
  model: string;
  version: number;
  kind: 'drift' | 'performance';
  status: 'firing' | 'resolved';
  severity: string;
  window: { id: string; fromMs: number; toMs: number; rows: number };
  driftedFeatures: string[];
  predictionDrift: boolean;
  message: string;
  evidence: unknown;
  retrainJobId: string | null;
  firedAtMs: number;
  lastSeenAtMs: number;
  resolvedAtMs: number | null;
  repeats: number;
  referenceSha256: string;
}

export function alertView(a: AlertRow): AlertView {
  return {
    id: a.id,
    model: a.model,
    version: a.version,
    kind: a.kind as AlertView['kind'],
    status: a.status as AlertView['status'],
    severity: a.severity,
    window: { id: a.windowId, fromMs: a.windowFromMs, toMs: a.windowToMs, rows: a.windowRows },
    driftedFeatures: JSON.parse(a.driftedFeatures) as string[],
    predictionDrift: a.predictionDrift === 1,
    message: a.message,
    evidence: JSON.parse(a.evidence) as unknown,
    retrainJobId: a.retrainJobId,
    firedAtMs: a.firedAt,
    lastSeenAtMs: a.lastSeenAt,
    resolvedAtMs: a.resolvedAt,
    repeats: a.repeats,
    referenceSha256: a.referenceSha256,
  };
}

export function deliveryView(d: WebhookDeliveryRow) {
  return {
    id: d.id,
    alertId: d.alertId,
    url: d.url,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode ?? 0,
    lastError: d.lastError ?? '',
    createdAtMs: d.createdAt,
    deliveredAtMs: d.deliveredAt ?? 0,
  };
}
