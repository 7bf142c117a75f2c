import type { ListQuery } from '@keel/domain';
import type { RunStatusName } from './runs.entities';

// What RunsService accepts: domain types the gRPC adapter builds from the wire messages.

export interface KeyValueInput {
  key: string;
  value: string;
}

export interface CreateExperimentCommand {
  name: string;
  description: string;
}

export interface CreateRunCommand {
  experimentId: string;
  name: string;
  /** 0: now. */
  startTimeMs: number;
  snapshotSha256: string;
  params: KeyValueInput[];
  tags: KeyValueInput[];
}

export interface UpdateRunCommand {
  runId: string;
  name: string;
  /** Unset: keep the status. */
  status?: RunStatusName;
  endTimeMs: number;
}

export interface EndRunCommand {
  runId: string;
  status: RunStatusName;
  endTimeMs: number;
}

export interface LogBatchCommand {
  runId: string;
  metrics: { key: string; value: number; step: number; timestampMs: number }[];
  params: KeyValueInput[];
  tags: KeyValueInput[];
}

export interface MetricHistoryQuery extends ListQuery {
  runId: string;
  key: string;
}

export interface LogArtifactCommand {
  runId: string;
  path: string;
  sha256: string;
}

export interface ListRunArtifactsQuery extends ListQuery {
  runId: string;
}
