// Builds (and rebuilds) the live state of a monitored model: its reference profile from the registry, the
// features to compare (signature inputs the profile knows, minus skipped ones), a fresh drift window and
// performance window, and the prediction baseline if the version already has one.
import { Inject, Injectable } from '@nestjs/common';
import { ReferenceProfile, type ReferenceProfileJson } from '@keel/ml';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { MonitoringSettings } from '../config';
import { MonitorStates, type ModelState } from '../common/monitor-states';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import { MonitorsService } from '../monitors/monitors.service';
import { PerformanceWindow } from '../performance/performance-window';
import { ReferenceService } from '../registry/reference.service';
import { DriftWindow } from './drift-window';
import { WindowsRepository } from './windows.repository';

// A version without a usable reference is looked at again after this long.
const RETRY_NOTE_MS = 60_000;
// How long a record of a model with no known production version waits for the first read of the aliases.
const SYNC_WAIT_MS = 10_000;

export type Resolution =
  { state: ModelState } | { ignored: 'not_production' | 'other_version' | 'no_reference'; state?: ModelState };

@Injectable()
export class ModelStatesService {
  private readonly building = new Map<string, Promise<ModelState>>();
  private readonly notedAt = new Map<string, number>();

  constructor(
    private readonly states: MonitorStates,
    private readonly monitors: MonitorsService,
    private readonly references: ReferenceService,
    private readonly repo: WindowsRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<MonitoringSettings>,
  ) {}

  /** The state monitoring `model`@`version` rows go to, or why they are not monitored. */
  async resolve(model: string, version: number): Promise<Resolution> {
    const known = this.current(model, version);
    if (known) return { state: known };
    let described = this.monitors.describe(model);
    // Records consumed before the registry's aliases were first read would be taken for unmonitored ones.
    if (described.version === null && !this.monitors.isSynced) {
      await this.monitors.afterSync(SYNC_WAIT_MS);
      described = this.monitors.describe(model);
    }
    if (described.version !== version) void this.monitors.follow(model, version);
    if (described.version === null) return { ignored: 'not_production' };
    if (version !== described.version) return { ignored: 'other_version' };
    let state = this.states.get(model);
    const stale = !state || state.version !== version || state.revision !== described.revision;
    const retry = state?.note !== null && Date.now() - (this.notedAt.get(model) ?? 0) > RETRY_NOTE_MS;
    if (stale || retry) state = await this.build(model, version, described.revision);
    return state!.window ? { state: state! } : { ignored: 'no_reference', state };
  }

  /** The hot path of resolve(): the state when it is current and has a window, without waiting. */
  current(model: string, version: number): ModelState | undefined {
    const now = this.monitors.current(model);
    const known = this.states.get(model);
    return known?.window && known.version === version && now.version === version && known.revision === now.revision
      ? known
      : undefined;
  }

  private build(model: string, version: number, revision: number): Promise<ModelState> {
    const key = `${model}@${version}#${revision}`;
    let p = this.building.get(key);
    if (!p) {
      p = this.create(model, version, revision).finally(() => this.building.delete(key));
      this.building.set(key, p);
    }
    return p;
  }

  private async create(model: string, version: number, revision: number): Promise<ModelState> {
    const settings = this.monitors.describe(model).settings;
    const base: ModelState = {
      model,
      version,
      revision,
      settings,
      reference: null,
      profile: null,
      note: null,
      window: null,
      predictionProfile: null,
      performance: new PerformanceWindow(settings.performanceWindow),
      predictions: this.states.get(model)?.predictions ?? 0,
    };
    try {
      const loaded = await this.references.load(model, version);
      base.reference = loaded.reference;
      base.profile = loaded.profile;
      base.note = loaded.note;
    } catch (err) {
      if ((err as MonitoringError).code !== MonitoringErrorCode.ReferenceUnavailable) throw err;
      base.note = (err as Error).message;
    }
    if (base.profile && base.reference) {
      const known = new Set(base.profile.columns.keys());
      const skip = new Set(settings.skipFeatures);
      const inputs = base.reference.inputs.map((i) => i.name);
      const features = (inputs.length > 0 ? inputs : [...known]).filter((f) => known.has(f) && !skip.has(f));
      if (features.length === 0) base.note = 'no signature input of the model is in its reference profile';
      else {
        const stored = await this.repo.baseline(model, version);
        base.predictionProfile = stored
          ? ReferenceProfile.fromJSON(JSON.parse(stored.profile) as ReferenceProfileJson)
          : null;
        base.window = new DriftWindow({
          profile: base.profile,
          features,
          shape: settings,
          accumulator: { exactLimit: this.config.exactLimit },
          predictionProfile: base.predictionProfile,
        });
      }
    }
    if (base.note) this.notedAt.set(model, Date.now());
    this.states.byModel.set(model, base);
    return base;
  }
}
