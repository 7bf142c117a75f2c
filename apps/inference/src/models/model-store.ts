// The model versions this server holds: loaded from the registry (download, sha256 check, one session
// per worker, a warm-up run) and served by name + version, or by name alone through the configured alias.
// A promotion loads and warms the new version first and only then moves the alias, so requests never
// see a cold or missing model; requests already queued on the old version finish there.
import type { FittedPipeline } from '@keel/ml';
import { linksTo, tracer } from '@keel/telemetry';
import { context, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { InferenceError } from '../serving/inference.errors';
import { Batcher, type BatchingOptions, type BatchStats } from '../serving/batcher';
import { allocate, type ModelSignature, type Tensor } from '../serving/tensors';
import type { WorkerPool } from '../serving/worker-pool';
import type { RegistrySource, VersionInfo } from './registry-source';

export type VersionState = 'loading' | 'ready' | 'failed';

export interface ModelVersionEntry {
  model: string;
  version: number;
  state: VersionState;
  reason: string;
  /** The worker sessions' name for this load of the version. */
  session: string;
  signature: ModelSignature;
  batcher: Batcher;
  /** The ONNX bytes (explanations read the pipeline back from them). */
  bytes?: Buffer;
  /** The libs/ml pipeline read back from the bytes, once an explanation is asked for. */
  pipeline?: FittedPipeline;
  /** Estimated memory: the artifact's size once per worker session. */
  sizeBytes: number;
  lastUsed: number;
  loaded: Promise<void>;
  /** The span of this load (requests served by the version link to it). */
  loadSpan?: SpanContext;
}

export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const NOT_FOUND_TTL_MS = 1000;

export class ModelStore {
  private readonly versions = new Map<string, ModelVersionEntry>();
  private readonly aliasVersion = new Map<string, number>();
  private readonly aliasLookups = new Map<string, Promise<number>>();
  private readonly notFound = new Map<string, number>();
  private initialDone = false;
  private loads = 0;

  constructor(
    private readonly registry: RegistrySource,
    private readonly pool: WorkerPool,
    private readonly alias: string,
    private readonly batching: BatchingOptions,
    private readonly logger: StoreLogger,
    private readonly onBatch: (model: string, version: number, stats: BatchStats) => void,
    /** Bytes the loaded versions may take (estimated); 0 = no limit. */
    private readonly memoryBudget = 0,
  ) {
    pool.onIdle(() => {
      for (const v of this.versions.values()) if (v.state === 'ready') v.batcher.pump();
    });
  }

  get ready(): boolean {
    return this.initialDone;
  }

  /** Loads every model the alias points to; retries while the registry is unavailable. */
  async loadInitial(stopped: () => boolean): Promise<void> {
    for (let delay = 200; !stopped(); delay = Math.min(delay * 2, 5000)) {
      try {
        const models = await this.registry.aliased(this.alias);
        await Promise.all(models.map((m) => this.promote(m.model, m.version).catch(() => undefined)));
        this.initialDone = true;
        return;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'registry not reachable yet; retrying the initial load');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  /**
   * Loads and warms a version, then points the alias (default: the served one) at it. `cause`: the
   * context of the promotion event that asked for it (the load span links to it).
   */
  async promote(
    model: string,
    version: number,
    info?: VersionInfo,
    alias = this.alias,
    cause?: SpanContext,
  ): Promise<void> {
    const entry = this.load(model, version, info, cause);
    await entry.loaded;
    if (entry.state !== 'ready') throw new InferenceError('unavailable', entry.reason);
    const before = this.aliasVersion.get(aliasKey(model, alias));
    if (before === undefined || before !== version) {
      this.aliasVersion.set(aliasKey(model, alias), version);
      this.logger.info({ model, from: before ?? null, to: version, alias }, 'alias switched');
      await this.enforceBudget();
    }
  }

  /** The ready version a request names (or the alias's), or the error to answer with. */
  async resolve(model: string, versionText: string, alias = this.alias): Promise<ModelVersionEntry> {
    let version: number;
    if (versionText) {
      version = Number(versionText);
      if (!Number.isSafeInteger(version) || version < 1)
        throw new InferenceError('not-found', `model ${model} has no version "${versionText}"`, 'model_version');
    } else {
      const aliased = this.aliasVersion.get(aliasKey(model, alias));
      version = aliased ?? (await this.lookupAlias(model, alias));
    }
    const entry = this.versions.get(key(model, version)) ?? (await this.loadChecked(model, version));
    entry.lastUsed = Date.now();
    if (entry.state === 'ready') return entry;
    if (entry.state === 'loading')
      throw new InferenceError('unavailable', `model ${model} version ${version} is loading`, 'model_name');
    this.load(model, version); // a failed load is retried by the next request
    throw new InferenceError('unavailable', `model ${model} version ${version} failed to load: ${entry.reason}`);
  }

  /** Non-throwing readiness of a model (version text as in ModelReady). */
  isReady(model: string, versionText: string): boolean {
    const version = versionText ? Number(versionText) : this.aliasVersion.get(aliasKey(model, this.alias));
    if (version === undefined) return false;
    return this.versions.get(key(model, version))?.state === 'ready';
  }

  /** The versions of a model held here (ready ones), for metadata. */
  versionsOf(model: string): number[] {
    return [...this.versions.values()]
      .filter((v) => v.model === model && v.state === 'ready')
      .map((v) => v.version)
      .sort((a, b) => a - b);
  }

  index(): { model: string; version: number; state: VersionState; reason: string }[] {
    return [...this.versions.values()].map((v) => ({
      model: v.model,
      version: v.version,
      state: v.state,
      reason: v.reason,
    }));
  }

  loadedCount(): number {
    return [...this.versions.values()].filter((v) => v.state === 'ready').length;
  }

  pendingCount(): number {
    let n = 0;
    for (const v of this.versions.values()) n += v.batcher.pending;
    return n;
  }

  /** Loads (or reloads) what the alias points to now (repository load). */
  async loadAlias(model: string): Promise<void> {
    const info = await this.registry.byAlias(model, this.alias).catch((err: unknown) => {
      if (err instanceof InferenceError && err.kind === 'not-found')
        throw new InferenceError('not-found', `model ${model} has no ${this.alias} version`, 'model_name');
      throw err;
    });
    await this.promote(model, info.version, info);
  }

  /** Drops every version of a model (repository unload). */
  async unload(model: string): Promise<void> {
    for (const k of [...this.aliasVersion.keys()]) if (k.startsWith(`${model}@`)) this.aliasVersion.delete(k);
    for (const [k, v] of [...this.versions]) {
      if (v.model !== model) continue;
      this.versions.delete(k);
      await v.batcher.idle();
      if (v.state === 'ready') await this.pool.unload(v.session);
    }
  }

  /**
   * Over the memory budget, unloads the least recently used ready versions no alias pins (never `keep`,
   * the one just loaded). Queued requests on an evicted version finish first.
   */
  private async enforceBudget(keep?: string): Promise<void> {
    if (this.memoryBudget <= 0) return;
    const pinned = new Set([...this.aliasVersion].map(([ak, v]) => key(ak.slice(0, ak.lastIndexOf('@')), v)));
    const ready = [...this.versions].filter(([, v]) => v.state === 'ready');
    let total = ready.reduce((n, [, v]) => n + v.sizeBytes, 0);
    const victims = ready.filter(([k]) => k !== keep && !pinned.has(k)).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [k, v] of victims) {
      if (total <= this.memoryBudget) break;
      this.versions.delete(k);
      total -= v.sizeBytes;
      this.logger.info(
        { model: v.model, version: v.version },
        'unloaded (least recently used, over the memory budget)',
      );
      await v.batcher.idle();
      await this.pool.unload(v.session);
    }
    if (total > this.memoryBudget)
      this.logger.warn(
        { total, budget: this.memoryBudget },
        'over the memory budget, but every loaded version is pinned',
      );
  }

  private async lookupAlias(model: string, alias: string): Promise<number> {
    const k = aliasKey(model, alias);
    this.checkNotFound(k);
    let lookup = this.aliasLookups.get(k);
    if (!lookup) {
      lookup = this.registry.byAlias(model, alias).then(
        (info) => {
          this.aliasLookups.delete(k);
          void this.promote(model, info.version, info, alias).catch(() => undefined);
          return info.version;
        },
        (err: unknown) => {
          this.aliasLookups.delete(k);
          if (err instanceof InferenceError && err.kind === 'not-found') {
            this.notFound.set(k, Date.now());
            throw new InferenceError('not-found', `model ${model} is not served (no ${alias} version)`, 'model_name');
          }
          throw err;
        },
      );
      this.aliasLookups.set(k, lookup);
    }
    return lookup;
  }

  /** Starts loading a version the request named, once the registry confirms it exists. */
  private async loadChecked(model: string, version: number): Promise<ModelVersionEntry> {
    const k = key(model, version);
    this.checkNotFound(k);
    let info: VersionInfo;
    try {
      info = await this.registry.version(model, version);
    } catch (err) {
      if (err instanceof InferenceError && err.kind === 'not-found') {
        this.notFound.set(k, Date.now());
        throw new InferenceError('not-found', `model ${model} has no version ${version}`, 'model_version');
      }
      throw err;
    }
    return this.load(model, version, info);
  }

  private checkNotFound(k: string): void {
    const at = this.notFound.get(k);
    if (at !== undefined && Date.now() - at < NOT_FOUND_TTL_MS)
      throw new InferenceError('not-found', `model ${k} is not in the registry`, 'model_name');
  }

  private load(model: string, version: number, known?: VersionInfo, cause?: SpanContext): ModelVersionEntry {
    const k = key(model, version);
    const existing = this.versions.get(k);
    if (existing && existing.state !== 'failed') return existing;
    const span = tracer('@keel/inference').startSpan('load model', {
      attributes: { 'keel.model': model, 'keel.model.version': version },
      links: linksTo([cause], 1, { 'keel.link': 'promotion' }),
    });
    // Sessions are named per load, so unloading an evicted copy never touches a reloaded one.
    const session = `${k}#${++this.loads}`;
    const entry: ModelVersionEntry = {
      model,
      version,
      state: 'loading',
      reason: '',
      signature: { inputs: [], outputs: [] },
      session,
      batcher: new Batcher(session, this.pool, this.batching, (s) => this.onBatch(model, version, s)),
      loaded: Promise.resolve(),
      sizeBytes: 0,
      lastUsed: Date.now(),
    };
    entry.loadSpan = span.spanContext();
    entry.loaded = context.with(trace.setSpan(context.active(), span), async () => {
      try {
        const info = known ?? (await this.registry.version(model, version));
        const bytes = await this.registry.download(info.artifactSha256);
        entry.signature = info.signature;
        await this.pool.load(session, bytes);
        await this.warm(session, info.signature);
        entry.bytes = bytes;
        entry.sizeBytes = bytes.length * this.pool.size;
        entry.state = 'ready';
        this.logger.info({ model, version, sha256: info.artifactSha256 }, 'model version loaded and warmed');
        await this.enforceBudget(k);
      } catch (err) {
        entry.state = 'failed';
        entry.reason = (err as Error).message;
        span.setStatus({ code: SpanStatusCode.ERROR, message: entry.reason });
        this.logger.warn({ model, version, err: entry.reason }, 'model version failed to load');
      } finally {
        span.end();
      }
    });
    this.versions.set(k, entry);
    return entry;
  }

  /** One row through every worker's session, so the first real request pays no lazy initialisation. */
  private async warm(k: string, signature: ModelSignature): Promise<void> {
    const inputs: Tensor[] = signature.inputs.map((s) => {
      const shape = s.shape.map((d) => (d === -1 ? 1 : d));
      const n = shape.reduce((a, b) => a * b, 1);
      return { name: s.name, datatype: s.datatype, shape, data: allocate(s.datatype, n) };
    });
    await Promise.all(Array.from({ length: this.pool.size }, (_, w) => this.pool.run(k, [inputs], w)));
  }
}

function aliasKey(model: string, alias: string): string {
  return `${model}@${alias}`;
}

function key(model: string, version: number): string {
  return `${model}:${version}`;
}
