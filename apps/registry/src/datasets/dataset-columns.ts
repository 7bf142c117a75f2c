import type { Validator } from '@keel/domain';

/** The column types a dataset schema may use (stored by these names; the wire has COLUMN_TYPE_<NAME>). */
export const COLUMN_TYPES = ['number', 'integer', 'string', 'boolean', 'category', 'timestamp'] as const;
export type ColumnTypeName = (typeof COLUMN_TYPES)[number];

export interface ColumnInput {
  name: string;
  type: ColumnTypeName;
  nullable: boolean;
  categories: string[];
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
