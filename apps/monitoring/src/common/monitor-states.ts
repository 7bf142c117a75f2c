// The live state of each monitored model (its reference, current windows and counters), shared by the
// contexts that fill it (drift windows, performance) and the ones that report it (monitors, ops page).
import { Injectable } from '@nestjs/common';
import type { ReferenceProfile } from '@keel/ml';
import type { MonitorSettings } from '../monitors/monitor-settings';
import type { PerformanceWindow } from '../performance/performance-window';
import type { VersionReference } from '../registry/registry.port';
import type { DriftWindow } from '../windows/drift-window';

export interface ModelState {
  model: string;
  version: number;
  /** Bumped when the settings or the production version change: the state is then rebuilt. */
  revision: number;
  settings: MonitorSettings;
  reference: VersionReference | null;
  profile: ReferenceProfile | null;
  /** Why the model is not monitored right now, when it is not. */
  note: string | null;
  window: DriftWindow | null;
  predictionProfile: ReferenceProfile | null;
  performance: PerformanceWindow;
  predictions: number;
}

@Injectable()
export class MonitorStates {
  readonly byModel = new Map<string, ModelState>();

  get(model: string): ModelState | undefined {
    return this.byModel.get(model);
  }
}
