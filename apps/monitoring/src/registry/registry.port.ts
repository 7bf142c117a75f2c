// What monitoring needs from the registry, in its own terms (no proto types past the adapter).
export interface VersionReference {
  model: string;
  version: number;
  /** Signature inputs: the raw feature columns the model is fed. */
  inputs: { name: string; datatype: string }[];
  snapshotSha256: string;
  dataset: string | null;
  datasetVersion: number | null;
  /** The reference profile artifact (profile.reference of the training snapshot), when it has one. */
  referenceSha256: string | null;
  /** The training run's latest metrics (test metrics are the performance baseline). */
  runMetrics: Record<string, number>;
  runId: string | null;
}

export interface ModelSummary {
  name: string;
  description: string;
  latestVersion: number;
  aliases: { alias: string; version: number }[];
  versions: {
    version: number;
    status: string;
    runId: string;
    snapshotSha256: string;
    aliases: string[];
    tags: Record<string, string>;
    createdAtMs: number;
  }[];
}

export interface RunSummary {
  id: string;
  name: string;
  status: string;
  startTimeMs: number;
  endTimeMs: number;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

export interface RunComparison {
  runs: RunSummary[];
  params: { key: string; values: string[]; differs: boolean }[];
  metrics: { key: string; values: string[]; differs: boolean }[];
}

/** One admin action from the registry's audit trail, for the ops page. */
export interface AuditSummary {
  id: string;
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  traceId: string;
}

export interface RegistryPort {
  /** Every model whose `production` alias is set, with the version it points at. */
  productionVersions(): Promise<{ model: string; version: number }[]>;
  productionVersion(model: string): Promise<number | null>;
  versionReference(model: string, version: number): Promise<VersionReference>;
  /** The bytes of an artifact, sha256-checked. */
  download(sha256: string, maxBytes: number): Promise<Buffer>;
  models(): Promise<ModelSummary[]>;
  runs(runIds: string[]): Promise<RunComparison>;
  metricHistory(runId: string, key: string): Promise<{ step: number; value: number; timestampMs: number }[]>;
  /** The newest admin actions, newest first. */
  auditEntries(limit: number): Promise<AuditSummary[]>;
  close(): void;
}

export const REGISTRY = Symbol('REGISTRY');
