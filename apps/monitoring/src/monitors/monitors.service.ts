// Which models are monitored and with what settings: every model whose `production` alias is set
// (learned from the registry at start and from keel.model.promoted), with the service defaults merged
// under each model's stored overrides.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { LOGGER, policyChange, Readiness, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import type { MonitoringSettings } from '../config';
import { LiveFeed } from '../common/live-feed';
import { MonitoringError, MonitoringErrorCode, invalidArgument } from '../common/monitoring.errors';
import { REGISTRY, type RegistryPort } from '../registry/registry.port';
import { defaultSettings } from './monitor-defaults';
import {
  assertValidSettings,
  effectiveSettings,
  type MonitorOverrides,
  type MonitorSettings,
} from './monitor-settings';
import { MonitorsRepository } from './monitors.repository';

const MODEL_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const SYNC_RETRY_MS = 2000;
// How often a model's production alias may be asked of the registry because a logged prediction named
// another version than the one followed.
const FOLLOW_CHECK_MS = 1000;

export interface MonitoredModel {
  model: string;
  /** The production version, or null when the model has none (then it is not monitored). */
  version: number | null;
  settings: MonitorSettings;
  overridden: (keyof MonitorSettings)[];
  revision: number;
}

@Injectable()
export class MonitorsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly defaults: MonitorSettings;
  private readonly production = new Map<string, number>();
  private overrides = new Map<string, MonitorOverrides>();
  private readonly revisions = new Map<string, number>();
  private readonly followCheckedAt = new Map<string, number>();
  private synced = false;
  private markSynced!: () => void;
  private readonly syncedOnce = new Promise<void>((resolve) => (this.markSynced = resolve));
  private stopping = false;

  constructor(
    private readonly repo: MonitorsRepository,
    @Inject(REGISTRY) private readonly registry: RegistryPort,
    @Inject(SERVICE_CONFIG) config: ConfigOf<MonitoringSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: Readiness,
    private readonly live: LiveFeed,
    private readonly outbox: Outbox,
  ) {
    this.defaults = assertValidSettings(defaultSettings(config));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.overrides = await this.repo.all();
    this.readiness.register('registry-sync', async () => {
      if (!this.synced) throw new Error('production aliases not read from the registry yet');
    });
    void this.syncLoop();
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  // The registry may start after monitoring: keep asking until it answers.
  private async syncLoop(): Promise<void> {
    while (!this.stopping && !this.synced) {
      try {
        for (const { model, version } of await this.registry.productionVersions()) {
          if (!this.production.has(model)) this.setProduction(model, version);
        }
        this.synced = true;
        this.markSynced();
        void this.readiness.refresh();
        this.logger.info({ models: [...this.production.keys()] }, 'production models read from the registry');
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, `registry not reachable; retrying in ${SYNC_RETRY_MS} ms`);
        await new Promise((r) => setTimeout(r, SYNC_RETRY_MS).unref());
      }
    }
  }

  /** keel.model.promoted: the production alias moved, so the model's monitor switches version. */
  onAliasMoved(model: string, alias: string, toVersion: number): void {
    if (alias !== 'production') return;
    if (this.production.get(model) === toVersion) return;
    this.setProduction(model, toVersion);
    this.logger.info({ model, version: toVersion }, 'production version changed: new reference, new window');
  }

  /**
   * A logged prediction names `version`, not the version followed: the production alias may have moved and
   * its keel.model.promoted not have arrived yet (it travels on another topic, and inference may act on it
   * first). Asks the registry in the background, at most once a FOLLOW_CHECK_MS per model, and follows the
   * alias if it now points at `version`; the prediction that asked is not waited for (nor is a registry
   * that does not answer). Resolves with whether the production version changed.
   */
  follow(model: string, version: number): Promise<boolean> {
    if (!this.synced) return Promise.resolve(false);
    const now = Date.now();
    if (now - (this.followCheckedAt.get(model) ?? -Infinity) < FOLLOW_CHECK_MS) return Promise.resolve(false);
    this.followCheckedAt.set(model, now);
    return this.registry.productionVersion(model).then(
      (current) => {
        if (current !== version || this.production.get(model) === version) return false;
        this.setProduction(model, version);
        this.logger.info(
          { model, version },
          'production version changed (seen in the prediction log, confirmed by the registry)',
        );
        return true;
      },
      () => false,
    );
  }

  private setProduction(model: string, version: number): void {
    this.production.set(model, version);
    this.bump(model);
  }

  private bump(model: string): void {
    this.revisions.set(model, (this.revisions.get(model) ?? 0) + 1);
    this.live.publish('monitor', { model });
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the production aliases have been read from the registry, or after `ms` at most. */
  async afterSync(ms: number): Promise<void> {
    if (this.synced) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.syncedOnce, timeout]);
    clearTimeout(timer);
  }

  /** The cheap per-event check: production version and settings revision, nothing merged. */
  current(model: string): { version: number | null; revision: number } {
    return { version: this.production.get(model) ?? null, revision: this.revisions.get(model) ?? 0 };
  }

  productionVersion(model: string): number | null {
    return this.production.get(model) ?? null;
  }

  describe(model: string): MonitoredModel {
    const overrides = this.overrides.get(model) ?? {};
    return {
      model,
      version: this.production.get(model) ?? null,
      settings: effectiveSettings(this.defaults, overrides),
      overridden: Object.keys(overrides) as (keyof MonitorSettings)[],
      revision: this.revisions.get(model) ?? 0,
    };
  }

  list(): MonitoredModel[] {
    const names = new Set([...this.production.keys(), ...this.overrides.keys()]);
    return [...names].sort().map((m) => this.describe(m));
  }

  get(model: string): MonitoredModel {
    if (!MODEL_NAME.test(model)) throw invalidArgument('model', `"${model}" is not a valid model name`);
    if (!this.production.has(model) && !this.overrides.has(model))
      throw new MonitoringError(
        MonitoringErrorCode.ModelNotMonitored,
        `model "${model}" has no production alias and no monitor settings`,
        'model',
      );
    return this.describe(model);
  }

  /** Merges a patch into the model's overrides (or replaces them with `reset`), validated as a whole. */
  async set(model: string, patch: MonitorOverrides, reset: boolean): Promise<MonitoredModel> {
    if (!MODEL_NAME.test(model)) throw invalidArgument('model', `"${model}" is not a valid model name`);
    const base: MonitorOverrides = reset ? {} : (this.overrides.get(model) ?? {});
    const next: MonitorOverrides = { ...base, ...patch };
    // Per-feature overrides merge feature by feature (a new threshold keeps the feature's test).
    if (patch.features) {
      const merged = { ...base.features };
      for (const [f, o] of Object.entries(patch.features)) merged[f] = { ...merged[f], ...o };
      next.features = merged;
    }
    if (patch.windowSize !== undefined && patch.windowSize > 0 && patch.windowSeconds === undefined)
      next.windowSeconds = 0;
    if (patch.windowSeconds !== undefined && patch.windowSeconds > 0 && patch.windowSize === undefined)
      next.windowSize = 0;
    assertValidSettings(effectiveSettings(this.defaults, next));
    // The change and its keel.policy.changed (the registry's audit trail) commit together.
    await this.repo.save(model, next, (m) =>
      this.outbox.publish(m, 'keel.policy.changed', policyChange('monitoring', 'monitor', model, auditable(next)), {
        key: model,
      }),
    );
    this.overrides.set(model, next);
    this.bump(model);
    return this.describe(model);
  }
}

/** The overrides as the audit trail shows them: a webhook URL without credentials or query (it may hold a token). */
function auditable(o: MonitorOverrides): Record<string, unknown> {
  if (!o.webhookUrl) return { ...o };
  const u = new URL(o.webhookUrl);
  const redacted = `${u.protocol}//${u.host}${u.pathname}${u.username || u.password || u.search ? ' (credentials and query redacted)' : ''}`;
  return { ...o, webhookUrl: redacted };
}
