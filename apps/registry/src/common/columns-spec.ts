import type { ColumnType } from '@keel/contracts';
import type { Validator } from './validate';

export const COLUMN_TYPES = ['number', 'integer', 'string', 'boolean', 'category', 'timestamp'] as const;
export type ColumnTypeName = (typeof COLUMN_TYPES)[number];

export interface ColumnInput {
  name: string;
  type: ColumnTypeName;
  nullable: boolean;
  categories: string[];
}

/** Proto enum name (COLUMN_TYPE_NUMBER) <-> stored name (number). */
export function columnTypeFromProto(value: string, v: Validator, field: string): ColumnTypeName {
  const name = value.replace(/^COLUMN_TYPE_/, '').toLowerCase();
  return (COLUMN_TYPES as readonly string[]).includes(name)
    ? (name as ColumnTypeName)
    : v.fail(field, `must be one of ${COLUMN_TYPES.map((t) => `COLUMN_TYPE_${t.toUpperCase()}`).join(', ')}`);
}

export function columnTypeToProto(name: string): ColumnType {
  return `COLUMN_TYPE_${name.toUpperCase()}` as ColumnType;
}

export function validateColumns(columns: ColumnInput[], v: Validator, field: string): ColumnInput[] {
  if (columns.length === 0) v.fail(field, 'must list at least one column');
  if (columns.length > 10_000) v.fail(field, 'must list at most 10000 columns');
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c.name.length < 1 || c.name.length > 128) v.fail(`${field}[${i}].name`, 'must be 1-128 characters');
    if (seen.has(c.name)) v.fail(`${field}[${i}].name`, `repeats column "${c.name}"`);
    seen.add(c.name);
    if (c.type === 'category' && c.categories.length === 0)
      v.fail(`${field}[${i}].categories`, 'must list the categories of a category column');
  });
  return columns;
}
