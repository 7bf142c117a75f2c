// A dataset's schema: typed columns with their constraints, the entity key, target and event-time
// columns. Pure: checked once when a dataset is created, then used to validate every record.

export const COLUMN_TYPES = ['numeric', 'categorical', 'boolean', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface DatasetColumn {
  name: string;
  type: ColumnType;
  /** A required column rejects a record where it is missing (`""`, null or absent). */
  required: boolean;
  /** Numeric columns only: inclusive bounds. */
  min?: number;
  max?: number;
  /** Categorical columns only: the values accepted (any value when absent). */
  allowed?: string[];
}

export interface DatasetSchema {
  columns: DatasetColumn[];
  entityKey?: string;
  target: string;
  eventTime?: string;
}

/** A value as stored: numbers and timestamps (epoch ms) as numbers, categories as strings. */
export type CellValue = number | string | boolean | null;

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Every problem of a schema at once; throws SchemaError when there is any. */
export function checkSchema(schema: DatasetSchema): DatasetSchema {
  const problems: { field: string; message: string }[] = [];
  const names = new Set<string>();
  if (!Array.isArray(schema.columns) || schema.columns.length === 0)
    problems.push({ field: 'columns', message: 'at least one column is required' });
  (schema.columns ?? []).forEach((c, i) => {
    const f = `columns[${i}]`;
    if (!COLUMN_NAME.test(c.name ?? ''))
      problems.push({ field: `${f}.name`, message: `invalid column name ${JSON.stringify(c.name)}` });
    if (names.has(c.name)) problems.push({ field: `${f}.name`, message: `duplicate column ${c.name}` });
    names.add(c.name);
    if (!COLUMN_TYPES.includes(c.type))
      problems.push({ field: `${f}.type`, message: `must be one of ${COLUMN_TYPES.join(', ')}` });
    if ((c.min !== undefined || c.max !== undefined) && c.type !== 'numeric')
      problems.push({ field: `${f}.min`, message: 'min/max apply to numeric columns only' });
    if (c.min !== undefined && c.max !== undefined && c.min > c.max)
      problems.push({ field: `${f}.max`, message: 'max must be at least min' });
    if (c.allowed !== undefined && c.type !== 'categorical')
      problems.push({ field: `${f}.allowed`, message: 'allowed values apply to categorical columns only' });
  });
  const role = (field: 'entityKey' | 'target' | 'eventTime', value: string | undefined, required: boolean) => {
    if (!value) {
      if (required) problems.push({ field, message: 'is required' });
      return;
    }
    if (!names.has(value)) problems.push({ field, message: `no column named ${value}` });
  };
  role('target', schema.target, true);
  role('entityKey', schema.entityKey, false);
  role('eventTime', schema.eventTime, false);
  if (schema.eventTime) {
    const col = schema.columns.find((c) => c.name === schema.eventTime);
    if (col && col.type !== 'timestamp') problems.push({ field: 'eventTime', message: 'must be a timestamp column' });
  }
  if (problems.length) throw new SchemaError(problems);
  return schema;
}

/**
 * Whether records staged under `from` can live in the same dataset as `to`: columns may be added when
 * optional; a removed column, a changed type or an optional column made required is a breaking change.
 */
export function schemaChanges(from: DatasetSchema, to: DatasetSchema): { compatible: boolean; changes: string[] } {
  const changes: string[] = [];
  let compatible = true;
  const next = new Map(to.columns.map((c) => [c.name, c]));
  for (const c of from.columns) {
    const n = next.get(c.name);
    if (!n) {
      changes.push(`column ${c.name} removed`);
      compatible = false;
    } else if (n.type !== c.type) {
      changes.push(`column ${c.name}: type ${c.type} -> ${n.type}`);
      compatible = false;
    } else if (n.required && !c.required) {
      changes.push(`column ${c.name} became required`);
      compatible = false;
    }
  }
  const old = new Set(from.columns.map((c) => c.name));
  for (const n of to.columns) {
    if (old.has(n.name)) continue;
    changes.push(`column ${n.name} added`);
    if (n.required) compatible = false;
  }
  return { compatible, changes };
}
