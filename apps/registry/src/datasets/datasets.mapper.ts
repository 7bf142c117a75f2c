import type { registryV1 } from '@keel/contracts';
import { COLUMN_TYPES, type ColumnInput, type ColumnTypeName } from './dataset-columns';
import type { DatasetRow, SnapshotRow } from './datasets.entities';
import { datasetInput as v } from './datasets.errors';

// Wire <-> domain for keel.registry.v1.DatasetService.

/** COLUMN_TYPE_NUMBER (wire) -> number (domain); an unknown or unspecified type names its field. */
function columnTypeFromProto(value: string, field: string): ColumnTypeName {
  const name = value.replace(/^COLUMN_TYPE_/, '').toLowerCase();
  return (COLUMN_TYPES as readonly string[]).includes(name)
    ? (name as ColumnTypeName)
    : v.fail(field, `must be one of ${COLUMN_TYPES.map((t) => `COLUMN_TYPE_${t.toUpperCase()}`).join(', ')}`);
}

export function columnsFromProto(columns: registryV1.Column__Output[], field = 'columns'): ColumnInput[] {
  return columns.map((c, i) => ({
    name: c.name,
    type: columnTypeFromProto(c.type, `${field}[${i}].type`),
    nullable: c.nullable,
    categories: c.categories,
  }));
}

const columnsToProto = (columns: DatasetRow['columns']): registryV1.Column[] =>
  columns.map((c) => ({
    name: c.name,
    type: `COLUMN_TYPE_${c.type.toUpperCase()}` as registryV1.ColumnType,
    nullable: c.nullable,
    categories: c.categories,
  }));

export function datasetToProto(d: DatasetRow): registryV1.Dataset {
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

export function snapshotToProto(dataset: DatasetRow, s: SnapshotRow): registryV1.Snapshot {
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
