// `keel monitor set` flags → a keel.monitoring.v1 SetMonitorRequest (only what was given is sent).
import { DRIFT_TESTS } from '@keel/ml';
import { usageError } from './monitoring-client';

export interface MonitorSetFlags {
  windowSize?: string;
  windowSeconds?: string;
  sliding?: boolean;
  tumbling?: boolean;
  panes?: string;
  driftShare?: string;
  test: string[];
  threshold: string[];
  skip?: string;
  predictionDrift?: string;
  metric?: string;
  tolerance?: string;
  performanceWindow?: string;
  baseline?: string;
  cooldown?: string;
  retrainOn?: string;
  retrainCooldown?: string;
  webhook?: string;
  reset?: boolean;
}

function int(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min)
    throw usageError(`--${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function num(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw usageError(`--${flag} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function pair(flag: string, raw: string): [string, string] {
  const i = raw.lastIndexOf('=');
  if (i <= 0) throw usageError(`--${flag} expects <feature>=<value>, got "${raw}"`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

export function setMonitorRequest(model: string, f: MonitorSetFlags): Record<string, unknown> {
  if (f.windowSize !== undefined && f.windowSeconds !== undefined)
    throw usageError('give either --window-size or --window-seconds, not both');
  if (f.sliding && f.tumbling) throw usageError('give either --sliding or --tumbling, not both');
  const req: Record<string, unknown> = { model, reset: !!f.reset };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) req[k] = v;
  };
  set('windowSize', int('window-size', f.windowSize, 1));
  set('windowSeconds', int('window-seconds', f.windowSeconds, 1));
  set('sliding', f.sliding ? true : f.tumbling ? false : undefined);
  set('slidePanes', int('panes', f.panes, 2));
  set('driftShare', num('drift-share', f.driftShare, 0, 1));
  const features = new Map<string, { feature: string; test: string; threshold?: number }>();
  for (const raw of f.test) {
    const [feature, test] = pair('test', raw);
    if (!DRIFT_TESTS.includes(test as never))
      throw usageError(`--test ${raw}: the test must be one of ${DRIFT_TESTS.join(', ')}`);
    features.set(feature, { ...(features.get(feature) ?? { feature, test: '' }), test });
  }
  for (const raw of f.threshold) {
    const [feature, value] = pair('threshold', raw);
    const threshold = num('threshold', value, 0, Number.MAX_VALUE)!;
    features.set(feature, { ...(features.get(feature) ?? { feature, test: '' }), threshold });
  }
  if (features.size > 0) req['features'] = [...features.values()];
  if (f.skip !== undefined) {
    req['skipFeatures'] = f.skip
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    req['setSkipFeatures'] = true;
  }
  if (f.predictionDrift !== undefined) {
    if (f.predictionDrift !== 'on' && f.predictionDrift !== 'off')
      throw usageError('--prediction-drift must be on or off');
    req['predictionDrift'] = f.predictionDrift === 'on';
  }
  set('performanceMetric', f.metric);
  set('performanceTolerance', num('tolerance', f.tolerance, 0, 1));
  set('performanceWindow', int('performance-window', f.performanceWindow, 10));
  set('performanceBaseline', num('baseline', f.baseline, -Number.MAX_VALUE, Number.MAX_VALUE));
  set('alertCooldownSeconds', int('cooldown', f.cooldown, 0));
  if (f.retrainOn !== undefined) {
    req['retrainOn'] = f.retrainOn
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    req['setRetrainOn'] = true;
  }
  set('retrainCooldownSeconds', int('retrain-cooldown', f.retrainCooldown, 0));
  set('webhookUrl', f.webhook);
  if (Object.keys(req).length === 2 && !f.reset)
    throw usageError('nothing to set: give at least one option (see --help)');
  return req;
}
