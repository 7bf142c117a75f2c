// keel.monitoring.v1 Monitor messages ↔ monitoring's own types (the adapter's translation).
import type { monitoringV1 } from '@keel/contracts';
import { parseDriftTest } from '@keel/ml';
import type { ModelState } from '../common/monitor-states';
import { invalidArgument } from '../common/monitoring.errors';
import type {
  FeatureOverride,
  MonitorOverrides,
  MonitorSettings,
  PerformanceMetric,
  RetrainTrigger,
} from './monitor-settings';
import type { MonitoredModel } from './monitors.service';

export interface MonitorView {
  model: string;
  version: number;
  active: boolean;
  settings: MonitorSettings;
  overridden: string[];
  dataset: string;
  datasetVersion: number;
  referenceSha256: string;
  features: string[];
  pendingRows: number;
  windowsClosed: number;
  predictions: number;
  firingAlerts: number;
  note: string;
}

export function monitorView(m: MonitoredModel, state: ModelState | undefined, firingAlerts: number): MonitorView {
  const live = state && state.version === m.version ? state : undefined;
  return {
    model: m.model,
    version: m.version ?? 0,
    active: !!live?.window,
    settings: m.settings,
    overridden: m.overridden,
    dataset: live?.reference?.dataset ?? '',
    datasetVersion: live?.reference?.datasetVersion ?? 0,
    referenceSha256: live?.reference?.snapshotSha256 ?? '',
    features: [...(live?.window?.features ?? [])],
    pendingRows: live?.window?.pendingRows ?? 0,
    windowsClosed: live?.window?.closedWindows ?? 0,
    predictions: live?.predictions ?? 0,
    firingAlerts,
    note:
      m.version === null
        ? 'no production alias: not monitored'
        : (live?.note ?? (live ? '' : 'waiting for the first logged prediction')),
  };
}

export function settingsToProto(s: MonitorSettings): monitoringV1.MonitorSettings {
  return {
    ...s,
    features: Object.entries(s.features).map(([feature, o]) => ({
      feature,
      test: o.test ?? '',
      ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    })),
    performanceBaseline: s.performanceBaseline ?? undefined,
    webhookUrl: s.webhookUrl ?? '',
  };
}

function featureOverride(o: monitoringV1.FeatureOverride__Output, i: number): [string, FeatureOverride] {
  if (!o.feature) throw invalidArgument(`features.${i}.feature`, 'must name a feature');
  const out: FeatureOverride = {};
  if (o.test) {
    try {
      out.test = parseDriftTest(o.test);
    } catch (err) {
      throw invalidArgument(`features.${i}.test`, (err as Error).message);
    }
  }
  if (o._threshold) out.threshold = o.threshold;
  return [o.feature, out];
}

/** The patch a SetMonitor request asks for (only fields it sets). */
export function patchFromRequest(req: monitoringV1.SetMonitorRequest__Output): MonitorOverrides {
  const p: MonitorOverrides = {};
  if (req._windowSize) p.windowSize = req.windowSize;
  if (req._windowSeconds) p.windowSeconds = req.windowSeconds;
  if (req._sliding) p.sliding = req.sliding;
  if (req._slidePanes) p.slidePanes = req.slidePanes;
  if (req._driftShare) p.driftShare = req.driftShare;
  if (req.features.length > 0) {
    const features: Record<string, FeatureOverride> = {};
    req.features.forEach((o, i) => {
      const [name, override] = featureOverride(o, i);
      features[name] = { ...features[name], ...override };
    });
    p.features = features;
  }
  if (req.setSkipFeatures || req.skipFeatures.length > 0) p.skipFeatures = req.skipFeatures;
  if (req._predictionDrift) p.predictionDrift = req.predictionDrift;
  if (req._performanceMetric) p.performanceMetric = req.performanceMetric as PerformanceMetric;
  if (req._performanceTolerance) p.performanceTolerance = req.performanceTolerance;
  if (req._performanceWindow) p.performanceWindow = req.performanceWindow;
  if (req._performanceBaseline) p.performanceBaseline = req.performanceBaseline ?? null;
  if (req._alertCooldownSeconds) p.alertCooldownSeconds = req.alertCooldownSeconds;
  if (req.setRetrainOn || req.retrainOn.length > 0)
    p.retrainOn = req.retrainOn.filter((t) => t !== 'none') as RetrainTrigger[];
  if (req._retrainCooldownSeconds) p.retrainCooldownSeconds = req.retrainCooldownSeconds;
  if (req._webhookUrl) p.webhookUrl = req.webhookUrl || null;
  return p;
}
