import { ingestTopic, type ingestionV1 } from '@keel/contracts';
import { COLUMN_TYPES, type ColumnType, type DatasetColumn } from '@keel/datasets';
import type { Dataset } from './datasets.commands';
import { ingestionInput as v } from './datasets.errors';

// Wire <-> domain for keel.ingestion.v1.DatasetService.

function columnTypeFromProto(value: string, field: string): ColumnType {
  const name = value.replace(/^COLUMN_TYPE_/, '').toLowerCase();
  return (COLUMN_TYPES as readonly string[]).includes(name)
    ? (name as ColumnType)
    : v.fail(field, `must be one of ${COLUMN_TYPES.map((t) => `COLUMN_TYPE_${t.toUpperCase()}`).join(', ')}`);
}

export function columnsFromProto(columns: ingestionV1.Column__Output[], field = 'columns'): DatasetColumn[] {
  return columns.map((c, i) => ({
    name: c.name,
    type: columnTypeFromProto(c.type, `${field}[${i}].type`),
    required: c.required,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.allowed.length ? { allowed: c.allowed } : {}),
  }));
}

export function columnsToProto(columns: DatasetColumn[]): ingestionV1.Column[] {
  return columns.map((c) => ({
    name: c.name,
    type: `COLUMN_TYPE_${c.type.toUpperCase()}` as ingestionV1.ColumnType,
    required: c.required,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    allowed: c.allowed ?? [],
  }));
}

export function datasetToProto(d: Dataset, staged: number): ingestionV1.Dataset {
  return {
    name: d.name,
    columns: columnsToProto(d.schema.columns),
    entityKey: d.schema.entityKey ?? '',
    target: d.schema.target,
    eventTime: d.schema.eventTime ?? '',
    policy: {
      everyRecords: d.policy.everyRecords,
      intervalSeconds: d.policy.intervalSeconds,
      windowRecords: d.policy.windowRecords,
      windowSeconds: d.policy.windowSeconds,
    },
    dedupe: d.dedupe,
    duplicates: d.duplicates,
    schemaVersion: d.schemaVersion,
    createdAtMs: d.createdAt,
    accepted: d.accepted,
    rejected: d.rejected,
    staged,
    latestVersion: d.latestVersion,
    topic: ingestTopic(d.name),
  };
}
