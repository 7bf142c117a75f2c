import type { DatasetColumn, DatasetSchema } from '@keel/datasets';
import type { StagedChunk } from '../records/staging.repository';
import { currentRows } from './staged-rows';

const v1: DatasetColumn[] = [
  { name: 'id', type: 'numeric', required: true },
  { name: 'churned', type: 'boolean', required: false },
];
const v2: DatasetColumn[] = [...v1, { name: 'plan', type: 'categorical', required: false }];
// v3: churned forced from boolean to categorical.
const v3: DatasetColumn[] = [v2[0]!, { name: 'churned', type: 'categorical', required: false }, v2[2]!];
const schema = (columns: DatasetColumn[]): DatasetSchema => ({ columns, target: 'churned' });

const chunk = (version: number, columns: DatasetColumn[] | null, records: object[]): StagedChunk => ({
  id: 1,
  schemaVersion: version,
  columns,
  rows: records.length,
  data: Buffer.from(JSON.stringify(records)),
  partition: 0,
  lastOffset: '0',
  receivedAt: 0,
});

describe('currentRows', () => {
  it('should give back the validated rows when the records were staged under the current schema', () => {
    const staged = [
      chunk(2, v2, [
        { id: '7', churned: 'yes', plan: 'pro', extra: 1 },
        { id: 8, plan: '' },
      ]),
    ];
    expect(currentRows({ schema: schema(v2), schemaVersion: 2 }, staged)).toEqual([
      [7, true, 'pro'],
      [8, null, null],
    ]);
  });

  it('should read a column added later as null even when the record carried it as an unknown field', () => {
    const staged = [chunk(1, v1, [{ id: 1, churned: 0, plan: 'free' }])];
    expect(currentRows({ schema: schema(v2), schemaVersion: 2 }, staged)).toEqual([[1, false, null]]);
  });

  it('should coerce the validated value to a forced new type when the schema version changed', () => {
    const staged = [chunk(2, v2, [{ id: 1, churned: 'yes', plan: 'pro' }])];
    expect(currentRows({ schema: schema(v3), schemaVersion: 3 }, staged)).toEqual([[1, 'true', 'pro']]);
  });

  it('should map rows carried over from the per-record layout by name when they have no columns', () => {
    const staged = [chunk(1, null, [{ id: 1, churned: true }])];
    expect(currentRows({ schema: schema(v2), schemaVersion: 1 }, staged)).toEqual([[1, true, null]]);
    expect(currentRows({ schema: schema(v3), schemaVersion: 3 }, staged)).toEqual([[1, 'true', null]]);
  });
});
