import type { PageInput } from '@keel/domain';
import type { ColumnInput } from './dataset-columns';

// What DatasetsService accepts: domain types the gRPC adapter builds from the wire messages.

export interface CreateDatasetCommand {
  name: string;
  description: string;
  columns: ColumnInput[];
  entityKey: string;
  target: string;
}

export interface ListDatasetsQuery {
  page?: PageInput | null;
  orderBy: string;
  namePrefix: string;
}

export interface RegisterSnapshotCommand {
  dataset: string;
  sha256: string;
  rows: number;
  /** Empty: the dataset's own columns. */
  columns: ColumnInput[];
  profileJson: string;
  artifactUri: string;
  windowFromMs: number;
  windowToMs: number;
}

export interface ListSnapshotsQuery {
  dataset: string;
  page?: PageInput | null;
  orderBy: string;
}
