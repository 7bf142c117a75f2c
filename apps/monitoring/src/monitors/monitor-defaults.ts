import type { ConfigOf } from '@keel/runtime';
import type { MonitoringSettings } from '../config';
import type { MonitorSettings, RetrainTrigger } from './monitor-settings';

/** The settings every production model is monitored with until an operator overrides them. */
export function defaultSettings(c: ConfigOf<MonitoringSettings>): MonitorSettings {
  return {
    windowSize: c.windowSize,
    windowSeconds: c.windowSize > 0 ? 0 : c.windowSeconds,
    sliding: false,
    slidePanes: c.slidePanes,
    driftShare: Number(c.driftShare),
    features: {},
    skipFeatures: [],
    predictionDrift: true,
    performanceMetric: 'auc',
    performanceTolerance: Number(c.performanceTolerance),
    performanceWindow: c.performanceWindow,
    performanceBaseline: null,
    alertCooldownSeconds: c.alertCooldownSeconds,
    retrainOn: c.retrainOn.filter((t): t is RetrainTrigger => t !== 'none'),
    retrainCooldownSeconds: c.retrainCooldownSeconds,
    webhookUrl: null,
  };
}
