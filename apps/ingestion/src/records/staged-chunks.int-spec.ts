// Staged chunks on SQLite and PostgreSQL: one row per consumed chunk holding the records as they came,
// handed to the snapshot builder whole in parts of at most N records; rows staged by the old
// one-row-per-record layout survive the upgrade.
import { describeEachDatabase } from '@keel/persistence/testing';
import { rawQuery } from '@keel/persistence';
import { ingestionEntities, ingestionMigrations } from '../database';
import { AddStagedChunks1764600000000 } from '../common/staged-chunks.migration';
import { StagingRepository, stagedRecords, type StagedInsert } from './staging.repository';

const record = (id: number) => ({ id, city: `c${id}`, flag: id % 2 === 0 ? 'yes' : false, extra: null });
const inserts = (partition: number, from: number, n: number): StagedInsert[] =>
  Array.from({ length: n }, (_, i) => ({
    row: [from + i, `c${from + i}`, (from + i) % 2 === 0],
    value: Buffer.from(JSON.stringify(record(from + i))),
    partition,
    offset: String(from + i),
  }));

const v1 = {
  version: 1,
  columns: [
    { name: 'id', type: 'numeric' as const, required: true },
    { name: 'city', type: 'categorical' as const, required: false },
  ],
};
const v2 = { version: 2, columns: [...v1.columns, { name: 'flag', type: 'boolean' as const, required: false }] };

describeEachDatabase('staged chunks', { entities: ingestionEntities, migrations: ingestionMigrations }, (db) => {
  let repo: StagingRepository;
  beforeAll(() => {
    repo = new StagingRepository(db.dataSource());
  });

  it('should hand whole chunks of at most the limit and unstage only what was taken', async () => {
    await db.dataSource().transaction((m) => repo.stage(m, 'churn', v1, inserts(0, 0, 3), 100));
    await db.dataSource().transaction((m) => repo.stage(m, 'churn', v1, inserts(1, 10, 2), 200));
    await db.dataSource().transaction((m) => repo.stage(m, 'other', v1, inserts(0, 0, 4), 300));
    await db.dataSource().transaction((m) => repo.stage(m, 'churn', v2, inserts(0, 3, 2), 400));
    // A chunk whose transaction rolls back leaves nothing behind.
    await expect(
      db.dataSource().transaction(async (m) => {
        await repo.stage(m, 'churn', v2, inserts(0, 5, 2), 500);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const first = await repo.staged('churn', 5);
    expect(first.map((c) => [c.partition, c.lastOffset, c.rows, c.receivedAt])).toEqual([
      [0, '2', 3, 100],
      [1, '11', 2, 200],
    ]);
    // The records exactly as they came (the snapshot coerces them again).
    expect(stagedRecords(first[0]!)).toEqual([record(0), record(1), record(2)]);
    // A chunk larger than the limit still comes alone, so the builder always makes progress.
    expect((await repo.staged('churn', 1)).map((c) => c.rows)).toEqual([3]);

    await db.dataSource().transaction((m) => repo.unstage(m, 'churn', [first[0]!.id]));
    const rest = await repo.staged('churn', 100);
    expect(rest.map((c) => [c.schemaVersion, c.columns, c.lastOffset, c.rows])).toEqual([
      [1, v1.columns, '11', 2],
      [2, v2.columns, '4', 2],
    ]);
    expect((await repo.staged('other', 100)).map((c) => c.rows)).toEqual([4]);
  });

  it('should carry rows of the one-row-per-record layout over in order when migrating', async () => {
    const q = db.dataSource().createQueryRunner();
    try {
      await new AddStagedChunks1764600000000().down(q);
      const legacy = [
        ['legacy', 1, '{"id":1,"city":"a"}', 0, 5, 10],
        ['legacy', 1, '{"id":2,"city":"b"}', 0, 6, 11],
        ['legacy', 1, '{"id":3,"city":"c"}', 1, 2, 12],
        ['legacy', 2, '{"id":4,"city":"d","age":7}', 1, 3, 13],
      ];
      for (const r of legacy)
        await rawQuery(
          q.manager,
          'INSERT INTO ingest_staged_rows (dataset, schema_version, row, source_partition, source_offset, ' +
            'received_at) VALUES (?, ?, ?, ?, ?, ?)',
          r,
        );
      await new AddStagedChunks1764600000000().up(q);
    } finally {
      await q.release();
    }
    const chunks = await repo.staged('legacy', 100);
    expect(chunks.every((c) => c.columns === null)).toBe(true);
    expect(chunks.map((c) => [c.schemaVersion, stagedRecords(c), c.partition, c.lastOffset, c.receivedAt])).toEqual([
      [
        1,
        [
          { id: 1, city: 'a' },
          { id: 2, city: 'b' },
        ],
        0,
        '6',
        11,
      ],
      [1, [{ id: 3, city: 'c' }], 1, '2', 12],
      [2, [{ id: 4, city: 'd', age: 7 }], 1, '3', 13],
    ]);
  });
});
