import { inferSchema } from './infer';
import { checkSchema, schemaChanges, SchemaError, type DatasetSchema } from './schema';

describe('checkSchema', () => {
  it('should list every problem when the schema is wrong in several places', () => {
    let error: unknown;
    try {
      checkSchema({
        columns: [
          { name: 'a', type: 'numeric', required: true },
          { name: 'a', type: 'categorical', required: true, min: 1 },
        ],
        target: 'nope',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).problems.map((p) => p.field)).toEqual([
      'columns[1].name',
      'columns[1].min',
      'target',
    ]);
  });
});

describe('schemaChanges', () => {
  const base: DatasetSchema = { columns: [{ name: 'a', type: 'numeric', required: true }], target: 'a' };

  it('should call an added optional column compatible', () => {
    const next = { ...base, columns: [...base.columns, { name: 'b', type: 'boolean' as const, required: false }] };
    expect(schemaChanges(base, next)).toEqual({ compatible: true, changes: ['column b added'] });
  });

  it('should call a changed type breaking', () => {
    const next = { ...base, columns: [{ name: 'a', type: 'categorical' as const, required: true }] };
    expect(schemaChanges(base, next).compatible).toBe(false);
  });
});

describe('inferSchema', () => {
  it('should infer numeric with blanks as not required when a numeric column has blank cells', () => {
    const schema = inferSchema(
      ['id', 'tenure', 'device', 'vip', 'at'],
      [
        ['1', '4', 'Phone', 'yes', '2026-01-01'],
        ['2', '', 'Mobile Phone', 'no', '2026-01-02T10:00:00Z'],
      ],
      { target: 'vip', entityKey: 'id' },
    );
    expect(schema.columns).toEqual([
      { name: 'id', type: 'numeric', required: true },
      { name: 'tenure', type: 'numeric', required: false },
      { name: 'device', type: 'categorical', required: true },
      { name: 'vip', type: 'boolean', required: true },
      { name: 'at', type: 'timestamp', required: true },
    ]);
  });
});
