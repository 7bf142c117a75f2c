// At window close: libs/ml's default tests per feature against the training reference (compareColumns,
// Evidently's choice of test by type and size), the dataset verdict by drift share, and prediction drift
// of the positive-class probability against the version's prediction baseline.
import { ReferenceProfile, compareColumns, type ColumnDrift, type WindowAccumulator } from '@keel/ml';
import type { MonitorSettings } from '../monitors/monitor-settings';
import { PREDICTION_COLUMN, type ClosedWindow } from './drift-window';

export interface DriftEvaluation {
  features: Record<string, ColumnDrift>;
  /** Input features whose test says drift (the prediction is reported apart). */
  driftedFeatures: string[];
  driftShare: number;
  datasetDrift: boolean;
  prediction: ColumnDrift | null;
  /** Why there is no prediction verdict, when there is none. */
  predictionNote?: string;
}

export function evaluateWindow(
  profile: ReferenceProfile,
  window: ClosedWindow,
  settings: Pick<MonitorSettings, 'features' | 'driftShare' | 'predictionDrift'>,
  predictionProfile: ReferenceProfile | null,
): DriftEvaluation {
  const columns = [...window.features.keys()];
  const overrides = Object.fromEntries(Object.entries(settings.features).filter(([f]) => window.features.has(f)));
  const report = compareColumns(profile, window.features, {
    columns,
    overrides,
    datasetShare: settings.driftShare,
    bins: profile.bins,
  });
  const driftedFeatures = columns.filter((c) => report.columns[c]!.drift);
  const out: DriftEvaluation = {
    features: report.columns,
    driftedFeatures,
    driftShare: report.drift_share,
    datasetDrift: report.dataset_drift,
    prediction: null,
  };
  if (!settings.predictionDrift) out.predictionNote = 'prediction drift is off for this monitor';
  else if (!predictionProfile) out.predictionNote = 'this window is the prediction baseline of the version';
  else if (!window.prediction) out.predictionNote = 'no probabilities logged, or panes predate the baseline';
  else {
    const predictionReport = compareColumns(predictionProfile, new Map([[PREDICTION_COLUMN, window.prediction]]), {
      bins: predictionProfile.bins,
    });
    out.prediction = predictionReport.columns[PREDICTION_COLUMN]!;
  }
  return out;
}

/** The prediction baseline: a one-column reference profile of a window's positive-class probabilities. */
export function predictionBaseline(prediction: WindowAccumulator, bins: number): ReferenceProfile {
  return ReferenceProfile.fromWindows(new Map([[PREDICTION_COLUMN, prediction]]), {
    bins,
    kinds: { [PREDICTION_COLUMN]: 'numeric' },
  });
}
