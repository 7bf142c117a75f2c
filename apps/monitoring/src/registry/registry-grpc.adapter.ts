// The registry port over the registry's gRPC API (keel.registry.v1). Transport failures become
// RegistryUnavailable (waited out by the callers), missing things ReferenceUnavailable.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  ArtifactServiceClient,
  CompareRunsResponse__Output,
  GetMetricHistoryResponse__Output,
  ListModelVersionsResponse__Output,
  ListRegisteredModelsResponse__Output,
  ModelLineage__Output,
  ModelVersion__Output,
  DownloadResponse__Output,
  LineageServiceClient,
  ModelServiceClient,
  RunServiceClient,
} from '@keel/contracts';
import { PROTO_LOADER_OPTIONS, protoFiles, protoRoot } from '@keel/runtime';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import type { ModelSummary, RegistryPort, RunComparison, VersionReference } from './registry.port';

const PROTOS = ['models', 'lineage', 'artifacts', 'runs', 'datasets'].map((p) => `keel/registry/v1/${p}.proto`);
const DEADLINE_MS = 10_000;
type Ctor<C> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => C;
type Callback<R> = (err: grpc.ServiceError | null, res?: R) => void;

function mapError(err: unknown, what: string): MonitoringError {
  const code = (err as grpc.ServiceError).code;
  const detail = (err as Error).message;
  if (code === grpc.status.NOT_FOUND)
    return new MonitoringError(MonitoringErrorCode.ReferenceUnavailable, `${what}: ${detail}`);
  return new MonitoringError(MonitoringErrorCode.RegistryUnavailable, `registry unavailable (${what}): ${detail}`);
}

export class RegistryGrpcAdapter implements RegistryPort {
  private readonly models_: ModelServiceClient;
  private readonly lineage: LineageServiceClient;
  private readonly artifacts: ArtifactServiceClient;
  private readonly runsClient: RunServiceClient;

  constructor(address: string) {
    const def = protoLoader.loadSync(protoFiles(PROTOS), { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
    const pkg = (grpc.loadPackageDefinition(def) as unknown as { keel: { registry: { v1: Record<string, unknown> } } })
      .keel.registry.v1;
    const creds = grpc.credentials.createInsecure();
    const opts = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
    const make = <C>(name: string) => new (pkg[name] as Ctor<C>)(address, creds, opts);
    this.models_ = make<ModelServiceClient>('ModelService');
    this.lineage = make<LineageServiceClient>('LineageService');
    this.artifacts = make<ArtifactServiceClient>('ArtifactService');
    this.runsClient = make<RunServiceClient>('RunService');
  }

  private call<Res>(
    what: string,
    invoke: (md: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<Res>) => unknown,
  ): Promise<Res> {
    return new Promise((resolve, reject) =>
      invoke(new grpc.Metadata(), { deadline: Date.now() + DEADLINE_MS }, (err, res) =>
        err ? reject(mapError(err, what)) : resolve(res as Res),
      ),
    );
  }

  async productionVersions(): Promise<{ model: string; version: number }[]> {
    const out: { model: string; version: number }[] = [];
    let pageToken = '';
    do {
      const res = await this.call<ListRegisteredModelsResponse__Output>('ListRegisteredModels', (md, o, cb) =>
        this.models_.ListRegisteredModels(
          {
            page: { pageSize: 1000, pageToken },
          },
          md,
          o,
          cb,
        ),
      );
      for (const m of res.models) {
        const prod = m.aliases.find((a) => a.alias === 'production');
        if (prod) out.push({ model: m.name, version: prod.version });
      }
      pageToken = res.nextPageToken;
    } while (pageToken);
    return out;
  }

  async productionVersion(model: string): Promise<number | null> {
    try {
      const v = await this.call<ModelVersion__Output>('GetModelVersionByAlias', (md, o, cb) =>
        this.models_.GetModelVersionByAlias(
          {
            model,
            alias: 'production',
          },
          md,
          o,
          cb,
        ),
      );
      return v.version;
    } catch (err) {
      if ((err as MonitoringError).code === MonitoringErrorCode.ReferenceUnavailable) return null;
      throw err;
    }
  }

  async versionReference(model: string, version: number): Promise<VersionReference> {
    const l = await this.call<ModelLineage__Output>('GetModelLineage', (md, o, cb) =>
      this.lineage.GetModelLineage({ model, version }, md, o, cb),
    );
    const v = l.version;
    if (!v) throw new MonitoringError(MonitoringErrorCode.ReferenceUnavailable, `${model} v${version} not found`);
    let referenceSha256: string | null = null;
    if (l.snapshot?.profileJson) {
      try {
        const profile = JSON.parse(l.snapshot.profileJson) as { reference?: { sha256?: string; format?: string } };
        if (profile.reference?.format === 'keel.drift.reference-profile.v1')
          referenceSha256 = profile.reference.sha256 ?? null;
      } catch {
        referenceSha256 = null;
      }
    }
    const runMetrics: Record<string, number> = {};
    for (const m of l.run?.latestMetrics ?? []) runMetrics[m.key] = m.value;
    return {
      model,
      version,
      inputs: (v.signature?.inputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype })),
      snapshotSha256: v.snapshotSha256,
      dataset: l.snapshot?.dataset || null,
      datasetVersion: l.snapshot?.version || null,
      referenceSha256,
      runMetrics,
      runId: l.run?.id || null,
    };
  }

  download(sha256: string, maxBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const call = this.artifacts.Download({ sha256 }, { deadline: Date.now() + 60_000 });
      const chunks: Buffer[] = [];
      let size = 0;
      const hash = createHash('sha256');
      call.on('data', (msg: DownloadResponse__Output) => {
        if (!msg.data) return;
        size += msg.data.length;
        if (size > maxBytes) {
          call.cancel();
          reject(
            new MonitoringError(
              MonitoringErrorCode.ReferenceUnavailable,
              `artifact ${sha256} exceeds ${maxBytes} bytes`,
            ),
          );
          return;
        }
        hash.update(msg.data);
        chunks.push(msg.data);
      });
      call.on('error', (err) => reject(mapError(err, `Download ${sha256}`)));
      call.on('end', () => {
        const actual = hash.digest('hex');
        if (actual !== sha256)
          reject(
            new MonitoringError(MonitoringErrorCode.ReferenceUnavailable, `artifact ${sha256} hashed to ${actual}`),
          );
        else resolve(Buffer.concat(chunks));
      });
    });
  }

  async models(): Promise<ModelSummary[]> {
    const res = await this.call<ListRegisteredModelsResponse__Output>('ListRegisteredModels', (md, o, cb) =>
      this.models_.ListRegisteredModels(
        {
          page: { pageSize: 200 },
        },
        md,
        o,
        cb,
      ),
    );
    return Promise.all(
      res.models.map(async (m) => {
        const vs = await this.call<ListModelVersionsResponse__Output>('ListModelVersions', (md, o, cb) =>
          this.models_.ListModelVersions(
            {
              model: m.name,
              page: { pageSize: 50 },
            },
            md,
            o,
            cb,
          ),
        );
        return {
          name: m.name,
          description: m.description,
          latestVersion: m.latestVersion,
          aliases: m.aliases.map((a) => ({ alias: a.alias, version: a.version })),
          versions: vs.versions.map((v) => ({
            version: v.version,
            status: v.status,
            runId: v.runId,
            snapshotSha256: v.snapshotSha256,
            aliases: v.aliases,
            tags: Object.fromEntries(v.tags.map((t) => [t.key, t.value])),
            createdAtMs: v.createdAtMs,
          })),
        };
      }),
    );
  }

  async runs(runIds: string[]): Promise<RunComparison> {
    const res = await this.call<CompareRunsResponse__Output>('CompareRuns', (md, o, cb) =>
      this.runsClient.CompareRuns({ runIds }, md, o, cb),
    );
    return {
      runs: res.runs.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        startTimeMs: r.startTimeMs,
        endTimeMs: r.endTimeMs,
        params: Object.fromEntries(r.params.map((p) => [p.key, p.value])),
        metrics: Object.fromEntries(r.latestMetrics.map((m) => [m.key, m.value])),
      })),
      params: res.params.map((p) => ({ key: p.key, values: p.values, differs: p.differs })),
      metrics: res.metrics.map((p) => ({ key: p.key, values: p.values, differs: p.differs })),
    };
  }

  async metricHistory(runId: string, key: string): Promise<{ step: number; value: number; timestampMs: number }[]> {
    const res = await this.call<GetMetricHistoryResponse__Output>('GetMetricHistory', (md, o, cb) =>
      this.runsClient.GetMetricHistory(
        {
          runId,
          key,
          page: { pageSize: 1000 },
        },
        md,
        o,
        cb,
      ),
    );
    return res.metrics.map((m) => ({ step: m.step, value: m.value, timestampMs: m.timestampMs }));
  }

  close(): void {
    for (const c of [this.models_, this.lineage, this.artifacts, this.runsClient])
      (c as unknown as grpc.Client).close();
  }
}
