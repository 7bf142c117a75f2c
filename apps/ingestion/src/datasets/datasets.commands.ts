import type { DatasetColumn, DatasetSchema } from '@keel/datasets';

export interface SnapshotPolicy {
  /** Snapshot after this many newly accepted records (0: never by count). */
  everyRecords: number;
  /** Snapshot this many seconds after the last one when records are staged (0: never by time). */
  intervalSeconds: number;
}

/** A dataset as ingestion keeps it. */
export interface Dataset {
  name: string;
  schema: DatasetSchema;
  schemaVersion: number;
  policy: SnapshotPolicy;
  accepted: number;
  rejected: number;
  latestVersion: number;
  createdAt: number;
  updatedAt: number;
}

export interface CreateDatasetCommand {
  name: string;
  columns: DatasetColumn[];
  entityKey: string;
  target: string;
  eventTime: string;
  policy: SnapshotPolicy;
}

export interface UpdateSchemaCommand {
  name: string;
  columns: DatasetColumn[];
  force: boolean;
}
