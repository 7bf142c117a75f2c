import type { registryV1 } from '@keel/contracts';
import type { RunComparison } from './run-compare';
import type { ExperimentRow, MetricRow, RunArtifactRow } from './runs.entities';
import type { RunView } from './runs.repository';

export const experimentToProto = (e: ExperimentRow): registryV1.Experiment => ({
  id: e.id,
  name: e.name,
  description: e.description,
  createdAtMs: e.createdAt,
});

export const metricToProto = (m: Pick<MetricRow, 'key' | 'value' | 'step' | 'timestamp'>): registryV1.Metric => ({
  key: m.key,
  value: m.value,
  step: m.step,
  timestampMs: m.timestamp,
});

export function runToProto(r: RunView): registryV1.Run {
  return {
    id: r.id,
    experimentId: r.experimentId,
    name: r.name,
    status: `RUN_STATUS_${r.status}`,
    startTimeMs: r.startTime,
    endTimeMs: r.endTime ?? 0,
    snapshotSha256: r.snapshotSha256 ?? '',
    params: r.params.map((p) => ({ key: p.key, value: p.value })),
    tags: r.tags.map((t) => ({ key: t.key, value: t.value })),
    latestMetrics: r.latestMetrics.map(metricToProto),
  };
}

export const runArtifactToProto = (a: RunArtifactRow): registryV1.RunArtifact => ({
  path: a.path,
  sha256: a.sha256,
  size: a.size,
  uri: a.uri,
});

export const comparisonToProto = (c: RunComparison): registryV1.CompareRunsResponse => ({
  runs: c.runs.map(runToProto),
  params: c.params,
  metrics: c.metrics,
});
