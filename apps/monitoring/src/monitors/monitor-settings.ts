// What a monitor does for one model: its window, drift tests and thresholds, performance check, alert
// cooldown and retrain policy. Defaults come from the service's configuration; per-model overrides are
// stored and merged over them. Pure: validated here, persisted by the repository.
import { DRIFT_TESTS, type DriftTest } from '@keel/ml';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';

export const PERFORMANCE_METRICS = ['auc', 'accuracy', 'f1', 'log_loss'] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];
export const RETRAIN_TRIGGERS = ['drift', 'dataset_drift', 'performance'] as const;
export type RetrainTrigger = (typeof RETRAIN_TRIGGERS)[number];

export interface FeatureOverride {
  test?: DriftTest;
  threshold?: number;
}

export interface MonitorSettings {
  /** Rows per window (count windows); 0 when the window is by time. */
  windowSize: number;
  /** Seconds per window (time windows); 0 when the window is by count. */
  windowSeconds: number;
  /** Sliding: evaluated every 1/slidePanes of the window over the last full window; else tumbling. */
  sliding: boolean;
  slidePanes: number;
  /** Share of drifted features at or above which the dataset drifts (a critical alert). */
  driftShare: number;
  features: Record<string, FeatureOverride>;
  skipFeatures: string[];
  /** Drift of the positive-class probability against the version's first full window. */
  predictionDrift: boolean;
  performanceMetric: PerformanceMetric;
  /** A performance alert fires when the metric falls below the training metric minus this. */
  performanceTolerance: number;
  /** Labelled predictions per performance window. */
  performanceWindow: number;
  /** Overrides the training metric the performance check compares with (null: from the training run). */
  performanceBaseline: number | null;
  /** A firing alert is re-sent at most once per cooldown while it keeps firing. */
  alertCooldownSeconds: number;
  retrainOn: RetrainTrigger[];
  retrainCooldownSeconds: number;
  /** Per-model webhook (in addition to the global one); null for none. */
  webhookUrl: string | null;
}

/** A stored override: any subset of the settings. */
export type MonitorOverrides = Partial<MonitorSettings>;

export function effectiveSettings(defaults: MonitorSettings, overrides: MonitorOverrides): MonitorSettings {
  const merged: MonitorSettings = { ...defaults, ...overrides };
  // A window is either by count or by time: an override of one clears the other.
  if (overrides.windowSeconds !== undefined && overrides.windowSeconds > 0 && overrides.windowSize === undefined)
    merged.windowSize = 0;
  if (overrides.windowSize !== undefined && overrides.windowSize > 0 && overrides.windowSeconds === undefined)
    merged.windowSeconds = 0;
  return merged;
}

function problem(field: string, message: string): string {
  return `${field}: ${message}`;
}

/** Every problem of a settings object, as `field: message` lines (empty when valid). */
export function settingsProblems(s: MonitorSettings): string[] {
  const out: string[] = [];
  const intIn = (field: keyof MonitorSettings, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      out.push(problem(field, `must be an integer from ${min} to ${max}`));
  };
  intIn('windowSize', s.windowSize, 0, 100_000_000);
  intIn('windowSeconds', s.windowSeconds, 0, 30 * 86_400);
  if (s.windowSize > 0 === s.windowSeconds > 0)
    out.push(problem('windowSize', 'set exactly one of windowSize (rows) and windowSeconds'));
  intIn('slidePanes', s.slidePanes, 2, 100);
  if (s.sliding && s.windowSize > 0 && s.windowSize < s.slidePanes)
    out.push(problem('windowSize', `a sliding window needs at least ${s.slidePanes} rows (one per pane)`));
  if (!(s.driftShare > 0 && s.driftShare <= 1)) out.push(problem('driftShare', 'must be in (0, 1]'));
  for (const [name, o] of Object.entries(s.features)) {
    if (o.test !== undefined && !DRIFT_TESTS.includes(o.test))
      out.push(problem(`features.${name}.test`, `must be one of ${DRIFT_TESTS.join(', ')}`));
    if (o.threshold !== undefined && !(o.threshold >= 0 && Number.isFinite(o.threshold)))
      out.push(problem(`features.${name}.threshold`, 'must be a non-negative number'));
  }
  if (!PERFORMANCE_METRICS.includes(s.performanceMetric))
    out.push(problem('performanceMetric', `must be one of ${PERFORMANCE_METRICS.join(', ')}`));
  if (!(s.performanceTolerance >= 0 && s.performanceTolerance <= 1))
    out.push(problem('performanceTolerance', 'must be in [0, 1]'));
  intIn('performanceWindow', s.performanceWindow, 10, 1_000_000);
  if (s.performanceBaseline !== null && !Number.isFinite(s.performanceBaseline))
    out.push(problem('performanceBaseline', 'must be a number'));
  intIn('alertCooldownSeconds', s.alertCooldownSeconds, 0, 30 * 86_400);
  intIn('retrainCooldownSeconds', s.retrainCooldownSeconds, 0, 365 * 86_400);
  for (const t of s.retrainOn)
    if (!RETRAIN_TRIGGERS.includes(t))
      out.push(problem('retrainOn', `"${t}" is not one of ${RETRAIN_TRIGGERS.join(', ')}`));
  if (s.webhookUrl !== null) {
    try {
      const u = new URL(s.webhookUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') out.push(problem('webhookUrl', 'must be http or https'));
    } catch {
      out.push(problem('webhookUrl', 'must be an absolute URL'));
    }
  }
  return out;
}

/** Throws one INVALID_ARGUMENT error listing every problem. */
export function assertValidSettings(s: MonitorSettings): MonitorSettings {
  const problems = settingsProblems(s);
  if (problems.length > 0)
    throw new MonitoringError(
      MonitoringErrorCode.InvalidArgument,
      `invalid monitor settings: ${problems.join('; ')}`,
      problems[0]!.split(':')[0],
    );
  return s;
}

/** Whether a larger value of the metric is better (log loss is the one where lower is better). */
export function higherIsBetter(metric: PerformanceMetric): boolean {
  return metric !== 'log_loss';
}
