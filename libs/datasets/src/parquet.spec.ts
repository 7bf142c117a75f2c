import { ReferenceProfile } from '@keel/ml';
import { readParquet, writeParquet } from './parquet';
import { ProfileBuilder } from './profile';
import type { CellValue, DatasetSchema } from './schema';

const schema: DatasetSchema = {
  columns: [
    { name: 'id', type: 'numeric', required: true },
    { name: 'city', type: 'categorical', required: false },
    { name: 'vip', type: 'boolean', required: false },
    { name: 'at', type: 'timestamp', required: false },
  ],
  target: 'vip',
};

const rows: CellValue[][] = [
  [1, 'a', true, 1767225600000],
  [2.5, null, false, null],
  [3, 'b', null, 1767225600123],
];

describe('parquet layout', () => {
  it('should read back the same values when a part is written', async () => {
    const bytes = await writeParquet(schema, rows);
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('PAR1');
    expect(await readParquet(schema, bytes)).toEqual(rows);
  });
});

describe('ProfileBuilder', () => {
  it('should give the same profile when parts are merged as when rows are added at once', () => {
    const whole = new ProfileBuilder(schema);
    rows.forEach((r) => whole.add(r));
    const a = new ProfileBuilder(schema);
    a.add(rows[0]!);
    const b = new ProfileBuilder(schema);
    b.add(rows[1]!);
    b.add(rows[2]!);
    const merged = new ProfileBuilder(schema);
    merged.mergeJson(a.toJSON());
    merged.mergeJson(b.toJSON());
    // Merged moments equal up to rounding.
    const id = merged.summaries()[0]!;
    expect(id.numeric!.mean).toBeCloseTo(whole.summaries()[0]!.numeric!.mean, 12);
    expect(id).toMatchObject({ name: 'id', count: 3, nulls: 0, numeric: { min: 1, max: 3 } });
    expect(merged.summaries().slice(1)).toEqual(whole.summaries().slice(1));
    expect(merged.summaries()[1]).toEqual({
      name: 'city',
      count: 2,
      nulls: 1,
      categorical: { counts: { a: 1, b: 1 } },
    });
    expect(
      merged
        .reference()
        .toJSON()
        .columns.map((c) => c.kind),
    ).toEqual(['numeric', 'categorical', 'binary', 'binary']);
  });

  it('should give monitoring a reference it can load and compare a window against when serialised', () => {
    const b = new ProfileBuilder(schema);
    rows.forEach((r) => b.add(r));
    const loaded = ReferenceProfile.fromJSON(JSON.parse(JSON.stringify(b.reference().toJSON())));
    const window = loaded.windowFromColumns({ id: [1, 2, 3], city: ['a', 'a', null], vip: [1, 0, 1], at: [1, 2, 3] });
    expect(window.get('id')!.n).toBe(3);
    expect(window.get('city')!.categories.get('a')).toBe(2);
  });
});
