// The trace contexts of staged batches on SQLite and PostgreSQL: kept in the batch's transaction, the
// newest ones handed to the snapshot that takes them, then forgotten up to what it took.
import { describeEachDatabase } from '@keel/persistence/testing';
import { ingestionEntities, ingestionMigrations } from '../database';
import { StagingRepository } from './staging.repository';

const tp = (n: number) =>
  `00-${'a'.repeat(30)}${String(n).padStart(2, '0')}-${'b'.repeat(14)}${String(n).padStart(2, '0')}-01`;

describeEachDatabase(
  'staged batch trace contexts',
  { entities: ingestionEntities, migrations: ingestionMigrations },
  (db) => {
    let repo: StagingRepository;
    beforeAll(() => {
      repo = new StagingRepository(db.dataSource());
    });

    it('should hand the newest batches to the snapshot and forget only what it took', async () => {
      expect(await repo.stagedTraces('churn', 32)).toEqual({ traceparents: [], count: 0, lastId: null });
      for (let i = 1; i <= 5; i++)
        await db.dataSource().transaction((m) => repo.stageTrace(m, 'churn', tp(i), 1000 + i));
      await db.dataSource().transaction((m) => repo.stageTrace(m, 'other', tp(9), 2000));
      // A batch whose transaction rolls back leaves nothing behind.
      await expect(
        db.dataSource().transaction(async (m) => {
          await repo.stageTrace(m, 'churn', tp(8), 3000);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');

      const taken = await repo.stagedTraces('churn', 3);
      expect(taken.traceparents).toEqual([tp(5), tp(4), tp(3)]);
      expect(taken.count).toBe(5);
      await db.dataSource().transaction((m) => repo.stageTrace(m, 'churn', tp(6), 1006));
      await repo.dropTraces('churn', taken.lastId!);
      expect(await repo.stagedTraces('churn', 32)).toMatchObject({ traceparents: [tp(6)], count: 1 });
      expect((await repo.stagedTraces('other', 32)).traceparents).toEqual([tp(9)]);
    });
  },
);
