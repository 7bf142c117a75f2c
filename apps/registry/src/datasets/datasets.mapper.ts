import type { Dataset, Snapshot } from '@keel/contracts';
import { columnTypeToProto, type ColumnInput } from '../common/columns-spec';
import type { DatasetRow, SnapshotRow } from './dataset.entities';

const columnsToProto = (columns: ColumnInput[] | DatasetRow['columns']) =>
  columns.map((c) => ({
    name: c.name,
    type: columnTypeToProto(c.type),
    nullable: c.nullable,
    categories: c.categories,
  }));

export function datasetToProto(d: DatasetRow): Dataset {
  return {
    name: d.name,
    description: d.description,
    columns: columnsToProto(d.columns),
    entityKey: d.entityKey,
    target: d.target,
    createdAtMs: d.createdAt,
    updatedAtMs: d.updatedAt,
    latestVersion: d.latestVersion,
  };
}

export function snapshotToProto(dataset: DatasetRow, s: SnapshotRow): Snapshot {
  return {
    dataset: dataset.name,
    version: s.version,
    sha256: s.sha256,
    rows: s.rowCount,
    columns: columnsToProto(s.columns),
    profileJson: s.profile,
    artifactUri: s.artifactUri,
    windowFromMs: s.windowFrom,
    windowToMs: s.windowTo,
    createdAtMs: s.createdAt,
  };
}
