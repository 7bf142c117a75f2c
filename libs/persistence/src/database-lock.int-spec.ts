import Database from 'better-sqlite3';
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
  it('should take the file lock when a write transaction begins, so reading first cannot lose to another connection', async () => {
    // Another connection to the same file (another thread's, like the ingestion staging worker's). Were the
    // transaction DEFERRED, the other write would commit after our read and ours fail with SQLITE_BUSY_SNAPSHOT.
    const ds = db.dataSource();
    const other = new Database((ds.options as { database: string }).database, { timeout: 0 });
    try {
      let refused: unknown;
      await writeTransaction(ds, async (m) => {
        await m.query('SELECT COUNT(*) AS n FROM lock_probe');
        try {
          other.prepare(`INSERT INTO lock_probe (id) VALUES ('other')`).run();
        } catch (err) {
          refused = err;
        }
        await m.insert(LockProbe, { id: 'reader' });
      });
      expect((refused as { code?: string }).code).toBe('SQLITE_BUSY');
      other.prepare(`INSERT INTO lock_probe (id) VALUES ('other')`).run();
      const ids = (await ds.getRepository(LockProbe).find()).map((r) => r.id).sort();
      expect(ids).toEqual(expect.arrayContaining(['other', 'reader']));
    } finally {
      other.close();
    }
  });
});
