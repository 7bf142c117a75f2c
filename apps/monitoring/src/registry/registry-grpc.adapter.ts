// The registry port over @keel/clients' typed registry client (keel.registry.v1). Transport failures
// become RegistryUnavailable (waited out by the callers), missing things ReferenceUnavailable.
import { createHash } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { downloadTo, registryClients, type RegistryClients } from '@keel/clients';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import type { AuditSummary, ModelSummary, RegistryPort, RunComparison, VersionReference } from './registry.port';

const DEADLINE_MS = 10_000;

function mapError(err: unknown, what: string): MonitoringError {
  const code = (err as ServiceError).code;
  const detail = (err as Error).message;
  if (code === status.NOT_FOUND)
    return new MonitoringError(MonitoringErrorCode.ReferenceUnavailable, `${what}: ${detail}`);
  return new MonitoringError(MonitoringErrorCode.RegistryUnavailable, `registry unavailable (${what}): ${detail}`);
}

export class RegistryGrpcAdapter implements RegistryPort {
  private readonly r: RegistryClients;

  constructor(address: string) {
    this.r = registryClients(address, { deadlineMs: DEADLINE_MS });
  }

  private async call<T>(what: string, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      throw mapError(err, what);
    }
  }

  async productionVersions(): Promise<{ model: string; version: number }[]> {
    const out: { model: string; version: number }[] = [];
    let pageToken = '';
    do {
      const res = await this.call(
        'ListRegisteredModels',
        this.r.models.ListRegisteredModels({ page: { pageSize: 1000, pageToken } }),
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
      const v = await this.call(
        'GetModelVersionByAlias',
        this.r.models.GetModelVersionByAlias({ model, alias: 'production' }),
      );
      return v.version;
    } catch (err) {
      if ((err as MonitoringError).code === MonitoringErrorCode.ReferenceUnavailable) return null;
      throw err;
    }
  }

  async versionReference(model: string, version: number): Promise<VersionReference> {
    const l = await this.call('GetModelLineage', this.r.lineage.GetModelLineage({ model, version }));
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

  async download(sha256: string, maxBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    const hash = createHash('sha256');
    await this.call(
      `Download ${sha256}`,
      downloadTo(this.r.artifacts.raw, sha256, (chunk) => {
        size += chunk.length;
        if (size > maxBytes)
          throw new MonitoringError(
            MonitoringErrorCode.ReferenceUnavailable,
            `artifact ${sha256} exceeds ${maxBytes} bytes`,
          );
        hash.update(chunk);
        chunks.push(chunk);
      }),
    );
    if (hash.digest('hex') !== sha256)
      throw new MonitoringError(MonitoringErrorCode.ReferenceUnavailable, `artifact ${sha256} failed its sha256 check`);
    return Buffer.concat(chunks);
  }

  async models(): Promise<ModelSummary[]> {
    const res = await this.call(
      'ListRegisteredModels',
      this.r.models.ListRegisteredModels({ page: { pageSize: 200 } }),
    );
    return Promise.all(
      res.models.map(async (m) => {
        const vs = await this.call(
          'ListModelVersions',
          this.r.models.ListModelVersions({ model: m.name, page: { pageSize: 50 } }),
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
    const res = await this.call('CompareRuns', this.r.runs.CompareRuns({ runIds }));
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
    const res = await this.call(
      'GetMetricHistory',
      this.r.runs.GetMetricHistory({ runId, key, page: { pageSize: 1000 } }),
    );
    return res.metrics.map((m) => ({ step: m.step, value: m.value, timestampMs: m.timestampMs }));
  }

  async auditEntries(limit: number): Promise<AuditSummary[]> {
    const res = await this.call('ListAuditEntries', this.r.audit.ListAuditEntries({ page: { pageSize: limit } }));
    return res.entries.map((e) => ({
      id: e.id,
      atMs: e.at,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      details: JSON.parse(e.detailsJson || '{}') as Record<string, unknown>,
      traceId: e.traceId,
    }));
  }

  close(): void {
    this.r.close();
  }
}
