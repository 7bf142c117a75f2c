// Everything training asks of the registry, over @keel/clients' typed client. An outage (UNAVAILABLE,
// DEADLINE_EXCEEDED) is waited out with backoff until the caller's signal aborts; NOT_FOUND and the
// other statuses are returned to the caller as they are.
import { status, type ServiceError } from '@grpc/grpc-js';
import { downloadTo, registryClients, uploadChunks, type RegistryClients } from '@keel/clients';
import type { registryV1 } from '@keel/contracts';

const DEADLINE_MS = 30_000;
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED]);

export const isNotFound = (err: unknown): boolean => (err as ServiceError).code === status.NOT_FOUND;
export const isAlreadyExists = (err: unknown): boolean => (err as ServiceError).code === status.ALREADY_EXISTS;
export const isAborted = (err: unknown): boolean => (err as ServiceError).code === status.ABORTED;

export interface Champion {
  version: number;
  revision: number;
  artifactSha256: string;
  signature: { name: string; datatype: string }[];
}

export type KeyValues = Record<string, string>;
const kv = (o: KeyValues): { key: string; value: string }[] =>
  Object.entries(o).map(([key, value]) => ({ key, value }));

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

export class RegistryGateway {
  readonly r: RegistryClients;

  constructor(address: string) {
    this.r = registryClients(address, { deadlineMs: DEADLINE_MS });
  }

  close(): void {
    this.r.close();
  }

  /** Calls `fn`, waiting out registry outages (backoff up to 5 s) until `signal` aborts. */
  async call<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!RETRYABLE.has((err as ServiceError).code) || signal?.aborted) throw err;
        await sleep(Math.min(5000, 100 * 2 ** attempt), signal);
      }
    }
  }

  dataset(name: string, signal?: AbortSignal): Promise<registryV1.Dataset__Output> {
    return this.call(() => this.r.datasets.GetDataset({ name }), signal);
  }

  snapshot(dataset: string, version: number, signal?: AbortSignal): Promise<registryV1.Snapshot__Output> {
    return this.call(() => this.r.datasets.GetSnapshot({ dataset, version }), signal);
  }

  /** The artifact's bytes; the transfer is hashed on both ends (downloadTo fails on a mismatch). */
  async download(sha256: string, signal?: AbortSignal): Promise<Buffer> {
    return this.call(async () => {
      const chunks: Buffer[] = [];
      const got = await downloadTo(this.r.artifacts.raw, sha256, (c) => chunks.push(c));
      if (got.sha256 !== sha256) throw new Error(`artifact ${sha256} downloaded as ${got.sha256}`);
      return Buffer.concat(chunks);
    }, signal);
  }

  async upload(bytes: Uint8Array, signal?: AbortSignal): Promise<registryV1.ArtifactInfo__Output> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 1 << 20) parts.push(buf.subarray(i, i + (1 << 20)));
    return this.call(() => uploadChunks(this.r.artifacts.raw, parts.length ? parts : [Buffer.alloc(0)]), signal);
  }

  /** The version `production` points to, with the alias revision for compare-and-set; null if none. */
  async champion(model: string, signal?: AbortSignal): Promise<Champion | null> {
    let m: registryV1.RegisteredModel__Output;
    try {
      m = await this.call(() => this.r.models.GetRegisteredModel({ name: model }), signal);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const alias = m.aliases.find((a) => a.alias === 'production');
    if (!alias) return null;
    const v = await this.call(() => this.r.models.GetModelVersion({ model, version: alias.version }), signal);
    return {
      version: alias.version,
      revision: alias.revision,
      artifactSha256: v.artifactSha256,
      signature: (v.signature?.inputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype })),
    };
  }

  /** Revision of `production` now (0 when it does not exist), for compare-and-set. */
  async productionRevision(model: string, signal?: AbortSignal): Promise<number> {
    return (await this.champion(model, signal))?.revision ?? 0;
  }

  version(model: string, version: number, signal?: AbortSignal): Promise<registryV1.ModelVersion__Output> {
    return this.call(() => this.r.models.GetModelVersion({ model, version }), signal);
  }

  /** The version an earlier attempt of this job registered (tag keel.job_id), if any. */
  async versionOfJob(
    model: string,
    jobId: string,
    signal?: AbortSignal,
  ): Promise<registryV1.ModelVersion__Output | null> {
    let pageToken = '';
    do {
      let res: registryV1.ListModelVersionsResponse__Output;
      try {
        res = await this.call(
          () => this.r.models.ListModelVersions({ model, page: { pageSize: 1000, pageToken } }),
          signal,
        );
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
      const hit = res.versions.find((v) => v.tags.some((t) => t.key === 'keel.job_id' && t.value === jobId));
      if (hit) return hit;
      pageToken = res.nextPageToken;
    } while (pageToken);
    return null;
  }

  async experimentId(name: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.call(() => this.r.runs.GetExperiment({ name }), signal)).id;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      return (await this.call(() => this.r.runs.CreateExperiment({ name }), signal)).id;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return (await this.call(() => this.r.runs.GetExperiment({ name }), signal)).id;
    }
  }

  async createRun(
    req: { experimentId: string; name: string; snapshotSha256: string; params: KeyValues; tags: KeyValues },
    signal?: AbortSignal,
  ): Promise<string> {
    const run = await this.call(
      () =>
        this.r.runs.CreateRun({
          experimentId: req.experimentId,
          name: req.name,
          snapshotSha256: req.snapshotSha256,
          params: kv(req.params),
          tags: kv(req.tags),
          startTimeMs: Date.now(),
        }),
      signal,
    );
    return run.id;
  }

  async logMetrics(runId: string, metrics: { key: string; value: number; step: number }[], signal?: AbortSignal) {
    const now = Date.now();
    for (let i = 0; i < metrics.length; i += 500) {
      const batch = metrics.slice(i, i + 500).map((m) => ({ ...m, timestampMs: now }));
      await this.call(() => this.r.runs.LogBatch({ runId, metrics: batch }), signal);
    }
  }

  async tagRun(runId: string, tags: KeyValues, signal?: AbortSignal): Promise<void> {
    await this.call(() => this.r.runs.LogBatch({ runId, tags: kv(tags) }), signal);
  }

  async logArtifact(runId: string, path: string, sha256: string, signal?: AbortSignal): Promise<void> {
    await this.call(() => this.r.runs.LogArtifact({ runId, path, sha256 }), signal);
  }

  async endRun(runId: string, ok: boolean, signal?: AbortSignal): Promise<void> {
    await this.call(
      () =>
        this.r.runs.EndRun({ runId, status: ok ? 'RUN_STATUS_FINISHED' : 'RUN_STATUS_FAILED', endTimeMs: Date.now() }),
      signal,
    );
  }

  async ensureModel(name: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call(
        () => this.r.models.CreateRegisteredModel({ name, description: 'trained by keel training' }),
        signal,
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  createVersion(req: registryV1.CreateModelVersionRequest, signal?: AbortSignal) {
    return this.call(() => this.r.models.CreateModelVersion(req), signal);
  }

  async tagVersion(model: string, version: number, tags: KeyValues, signal?: AbortSignal): Promise<void> {
    await this.call(() => this.r.models.UpdateModelVersion({ model, version, tags: kv(tags) }), signal);
  }

  /** Moves `production` only if it is still at `expectedRevision`; the registry announces keel.model.promoted. */
  setProduction(model: string, version: number, expectedRevision: number, reason: string, actor: string) {
    return this.call(() =>
      this.r.models.SetAlias({ model, alias: 'production', version, expectedRevision, reason, actor }),
    );
  }

  aliasHistory(model: string): Promise<registryV1.ListAliasHistoryResponse__Output> {
    return this.call(() =>
      this.r.models.ListAliasHistory({
        model,
        alias: 'production',
        page: { pageSize: 1000 },
        orderBy: 'revision desc',
      }),
    );
  }
}
