import { Entity, PrimaryColumn } from 'typeorm';
import { holdsDatabaseLock, withDatabaseLock } from './database-lock';
import { testDatabase } from './testing';
import { writeTransaction } from './write-transaction';

@Entity({ name: 'lock_probe' })
class LockProbe {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;
}

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('the SQLite write lock', () => {
  const db = testDatabase('sqlite', { entities: [LockProbe], migrations: [] });
  beforeAll(async () => {
    await db.open();
    await db.dataSource().synchronize();
  });
  afterAll(() => db.close());

  it('should run locked sections one after another when they are started together', async () => {
    const order: string[] = [];
    const first = gate();
    const a = withDatabaseLock(db.dataSource(), async () => {
      order.push('a start');
      await first.opened;
      order.push('a end');
    });
    const b = withDatabaseLock(db.dataSource(), async () => void order.push('b'));
    await new Promise((r) => setImmediate(r));
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a end', 'b']);
  });

  it('should let a section re-enter its own lock instead of deadlocking when it nests a write transaction', async () => {
    const ds = db.dataSource();
    await withDatabaseLock(ds, async () => {
      expect(holdsDatabaseLock(ds)).toBe(true);
      const qr = ds.createQueryRunner();
      await qr.startTransaction();
      await qr.manager.insert(LockProbe, { id: 'outer' });
      // A nested write transaction becomes a savepoint: its rollback keeps the outer write.
      await expect(
        writeTransaction(ds, async (m) => {
          await m.insert(LockProbe, { id: 'inner' });
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await qr.commitTransaction();
      await qr.release();
    });
    expect(holdsDatabaseLock(ds)).toBe(false);
    expect((await ds.getRepository(LockProbe).find()).map((r) => r.id)).toEqual(['outer']);
  });

  it('should make work a section left behind wait its turn once that section has ended', async () => {
    const ds = db.dataSource();
    const order: string[] = [];
    let late!: Promise<void>;
    const lateStarted = gate();
    await withDatabaseLock(ds, async () => {
      // A callback scheduled from inside the lock runs after the section ended: it must queue normally.
      setTimeout(() => {
        late = withDatabaseLock(ds, async () => void order.push('late'));
        lateStarted.open();
      }, 20);
    });
    const holder = gate();
    const held = withDatabaseLock(ds, async () => {
      order.push('holder start');
      await holder.opened;
      order.push('holder end');
    });
    await lateStarted.opened;
    holder.open();
    await Promise.all([held, late]);
    expect(order).toEqual(['holder start', 'holder end', 'late']);
  });

  it('should keep the chain going when a section fails', async () => {
    const ds = db.dataSource();
    await expect(withDatabaseLock(ds, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withDatabaseLock(ds, async () => 'next')).resolves.toBe('next');
  });
});
