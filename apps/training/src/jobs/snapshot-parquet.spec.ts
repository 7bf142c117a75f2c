import { createHash } from 'node:crypto';
import { manifestBytes, readParquet, writeParquet, type DatasetSchema } from '@keel/datasets';
import { snapshotParquet } from './snapshot-parquet';

const schema: DatasetSchema = {
  columns: [
    { name: 'x', type: 'numeric', required: false },
    { name: 'y', type: 'categorical', required: true },
  ],
  target: 'y',
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('snapshotParquet', () => {
  it('should read a manifest of parts as one Parquet file, in part order', async () => {
    const a = Buffer.from(await writeParquet(schema, [[1, 'a']]));
    const b = Buffer.from(
      await writeParquet(schema, [
        [null, 'b'],
        [3, 'a'],
      ]),
    );
    const store = new Map([a, b].map((p) => [sha(p), p]));
    const manifest = manifestBytes({
      format: 'keel.dataset.snapshot.v1',
      dataset: 'd',
      schemaVersion: 1,
      schema,
      rows: 3,
      parts: [a, b].map((p) => ({ sha256: sha(p), rows: 0, uri: `file:///${sha(p)}` })),
      offsets: [],
      window: { fromMs: 0, toMs: 0 },
    });
    const one = await snapshotParquet(manifest, async (s) => store.get(s)!);
    expect(await readParquet(schema, one)).toEqual([
      [1, 'a'],
      [null, 'b'],
      [3, 'a'],
    ]);
    // One part is passed through as it is; a plain Parquet artifact too.
    expect(await snapshotParquet(a, async () => Buffer.alloc(0))).toBe(a);
  });

  it('should fail as DATA_INTEGRITY when a part does not hash to its sha256 or the artifact is neither', async () => {
    const a = Buffer.from(await writeParquet(schema, [[1, 'a']]));
    const manifest = manifestBytes({
      format: 'keel.dataset.snapshot.v1',
      dataset: 'd',
      schemaVersion: 1,
      schema,
      rows: 1,
      parts: [{ sha256: sha(a), rows: 1, uri: 'file:///a' }],
      offsets: [],
      window: { fromMs: 0, toMs: 0 },
    });
    await expect(snapshotParquet(manifest, async () => Buffer.from('other'))).rejects.toMatchObject({
      code: 'DATA_INTEGRITY',
    });
    await expect(snapshotParquet(Buffer.from('junk'), async () => a)).rejects.toMatchObject({ code: 'DATA_INTEGRITY' });
  });
});
