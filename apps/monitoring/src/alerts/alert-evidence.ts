// The keel.monitoring.alert payload built from a window's result: the evidence a person (or a trace
// backend) needs without asking monitoring again.
import type { EventPayload } from '@keel/contracts';
import type { ColumnDrift } from '@keel/ml';
import type { PerformanceMetric } from '../monitors/monitor-settings';
import type { PerformanceMetrics } from '../performance/performance-window';
import type { VersionReference } from '../registry/registry.port';
import type { DriftEvaluation } from '../windows/drift-evaluation';
import type { AlertKind, AlertSeverity, AlertStatus } from './alert-policy';

export type AlertPayload = EventPayload<'keel.monitoring.alert'>;
type FeatureEvidence = AlertPayload['evidence']['features'][number];

export interface WindowRef {
  id: string;
  from: number;
  to: number;
  rows: number;
}

/** One drift result in the event's terms: the chosen test's statistic, p-value (tests only) and threshold. */
export function featureEvidence(feature: string, d: ColumnDrift): FeatureEvidence {
  const base = { feature, threshold: d.threshold, drifted: d.drift };
  switch (d.test) {
    case 'ks':
      return { ...base, test: 'ks', statistic: d.ks_statistic ?? 0, pValue: d.ks_pvalue ?? null };
    case 'chi2':
      return { ...base, test: 'chi2', statistic: d.chi2_statistic ?? 0, pValue: d.chi2_pvalue ?? null };
    case 'z':
      return { ...base, test: 'z', statistic: d.z_pvalue ?? 0, pValue: d.z_pvalue ?? null };
    case 'wasserstein':
      return { ...base, test: 'wasserstein', statistic: d.wasserstein_normed ?? 0, pValue: null };
    case 'jensen_shannon':
      return { ...base, test: 'jensenshannon', statistic: d.jensen_shannon ?? 0, pValue: null };
    case 'psi':
      return { ...base, test: 'psi', statistic: d.psi ?? 0, pValue: null };
  }
}

export function driftBreached(e: DriftEvaluation): boolean {
  return e.driftedFeatures.length > 0 || e.prediction?.drift === true;
}

export function driftSeverity(e: DriftEvaluation): AlertSeverity {
  return e.datasetDrift ? 'critical' : 'warning';
}

interface Common {
  alertId: string;
  model: string;
  version: number;
  status: AlertStatus;
  window: WindowRef;
  reference: VersionReference;
  retrainJobId: string | null;
}

function head(
  c: Common,
  kind: AlertPayload['kind'],
  severity: AlertSeverity,
): Omit<AlertPayload, 'evidence' | 'message'> {
  return {
    alertId: c.alertId,
    model: c.model,
    version: c.version,
    kind,
    severity,
    status: c.status,
    window: {
      from: new Date(c.window.from).toISOString(),
      to: new Date(c.window.to).toISOString(),
      rows: c.window.rows,
    },
    windowId: c.window.id,
    baselineSnapshotSha256: c.reference.snapshotSha256,
    ...(c.reference.dataset ? { dataset: c.reference.dataset } : {}),
    ...(c.reference.datasetVersion ? { datasetVersion: c.reference.datasetVersion } : {}),
    ...(c.retrainJobId ? { retrainJobId: c.retrainJobId } : {}),
  };
}

export function driftAlertPayload(c: Common, e: DriftEvaluation): AlertPayload {
  const kind = e.driftedFeatures.length > 0 || !e.prediction?.drift ? 'data_drift' : 'prediction_drift';
  const total = Object.keys(e.features).length;
  const parts =
    c.status === 'resolved'
      ? [`back to normal: no feature drifted in ${c.window.rows} rows`]
      : [
          `${e.driftedFeatures.length} of ${total} features drifted${e.driftedFeatures.length ? ` (${e.driftedFeatures.join(', ')})` : ''}`,
          ...(e.datasetDrift ? ['dataset drift'] : []),
          ...(e.prediction?.drift ? ['the predicted probability drifted'] : []),
        ];
  return {
    ...head(c, kind, driftSeverity(e)),
    evidence: {
      features: e.driftedFeatures.map((f) => featureEvidence(f, e.features[f]!)),
      datasetDrift: e.datasetDrift,
      driftedShare: e.driftShare,
      ...(e.prediction ? { prediction: featureEvidence('prediction', e.prediction) } : {}),
    },
    message: `${c.model} v${c.version}: ${parts.join('; ')}`,
  };
}

export function performanceAlertPayload(
  c: Common,
  metric: PerformanceMetric,
  m: PerformanceMetrics,
  baseline: number,
  threshold: number,
): AlertPayload {
  const value = m[metric] ?? Number.NaN;
  const text =
    c.status === 'resolved'
      ? `${metric} ${value.toFixed(4)} is back within tolerance of the training ${baseline.toFixed(4)}`
      : `${metric} ${value.toFixed(4)} on ${m.rows} labelled predictions is below ${threshold.toFixed(4)} (training ${baseline.toFixed(4)})`;
  return {
    ...head(c, 'performance', 'critical'),
    evidence: {
      features: [],
      metric: { name: metric, value: Number.isFinite(value) ? value : 0, baseline, threshold },
    },
    message: `${c.model} v${c.version}: ${text}`,
  };
}

export type { AlertKind };
