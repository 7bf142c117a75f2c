import type { DatasetColumn, DatasetSchema } from '@keel/datasets';

export interface SnapshotPolicy {
  /** Snapshot after this many newly accepted records (0: never by count). */
  everyRecords: number;
  /** Snapshot this many seconds after the last one when records are staged (0: never by time). */
  intervalSeconds: number;
  /** Rolling window: a snapshot holds only the latest this many records (0: no count limit). */
  windowRecords: number;
  /** Rolling window: only records within this many seconds of the newest event time (0: no limit). */
  windowSeconds: number;
}

/** A dataset as ingestion keeps it. */
export interface Dataset {
  name: string;
  schema: DatasetSchema;
  schemaVersion: number;
  policy: SnapshotPolicy;
  /** Skip a record whose (entity key, event time) was already accepted (counted in `duplicates`). */
  dedupe: boolean;
  accepted: number;
  duplicates: number;
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
  dedupe: boolean;
}

export interface UpdateSchemaCommand {
  name: string;
  columns: DatasetColumn[];
  force: boolean;
}
