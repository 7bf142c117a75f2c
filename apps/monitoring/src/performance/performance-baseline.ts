// The training metric a performance window is held against, and the verdict.
import { higherIsBetter, type PerformanceMetric } from '../monitors/monitor-settings';
import type { PerformanceMetrics } from './performance-window';

const SPELLINGS: Record<PerformanceMetric, string[]> = {
  auc: ['auc', 'roc_auc'],
  accuracy: ['accuracy'],
  f1: ['f1'],
  log_loss: ['log_loss', 'logLoss', 'logloss'],
};

/** The run's test metric (test_auc, test.auc, test/auc), else its plain value (auc). */
export function trainingMetric(runMetrics: Record<string, number>, metric: PerformanceMetric): number | null {
  for (const name of SPELLINGS[metric]) {
    for (const key of [`test_${name}`, `test.${name}`, `test/${name}`]) if (key in runMetrics) return runMetrics[key]!;
  }
  for (const name of SPELLINGS[metric]) if (name in runMetrics) return runMetrics[name]!;
  return null;
}

export interface PerformanceVerdict {
  value: number | null;
  baseline: number | null;
  threshold: number | null;
  degraded: boolean;
}

export function judgePerformance(
  m: PerformanceMetrics,
  metric: PerformanceMetric,
  baseline: number | null,
  tolerance: number,
): PerformanceVerdict {
  const value = m[metric];
  if (baseline === null || value === null) return { value, baseline, threshold: null, degraded: false };
  const up = higherIsBetter(metric);
  const threshold = up ? baseline - tolerance : baseline + tolerance;
  return { value, baseline, threshold, degraded: up ? value < threshold : value > threshold };
}
