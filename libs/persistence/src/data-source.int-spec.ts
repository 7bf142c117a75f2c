import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Column,
  Entity,
  PrimaryColumn,
  Table,
  type DataSource,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { openDatabase, pingDatabase } from './data-source';
import { describeEachDatabase } from './testing';

@Entity({ name: 'widget' })
class Widget {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'integer' })
  size!: number;
}

class CreateWidget1700000000000 implements MigrationInterface {
  name = 'CreateWidget1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'widget',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'size', type: 'integer' },
        ],
      }),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('widget');
  }
}

const schema = { entities: [Widget], migrations: [CreateWidget1700000000000] };

describeEachDatabase('openDatabase', schema, (db) => {
  it('should run the migrations when the database is opened', async () => {
    const rows: { name: string }[] = await db.dataSource().query('SELECT name FROM keel_migrations');
    expect(rows.map((r) => r.name)).toEqual(['CreateWidget1700000000000']);
  });

  it('should store and read back rows through a repository when migrated', async () => {
    const repo = db.dataSource().getRepository(Widget);
    await repo.save([
      { id: 'a', size: 3 },
      { id: 'b', size: 5 },
    ]);
    const found = await repo.find({ order: { id: 'ASC' } });
    expect(found).toEqual([
      { id: 'a', size: 3 },
      { id: 'b', size: 5 },
    ]);
    await expect(pingDatabase(db.dataSource())).resolves.toBeUndefined();
  });

  it('should keep data and not re-run migrations when opened a second time', async () => {
    const again = await openDatabase({ ...db.options, ...schema });
    try {
      expect(await again.getRepository(Widget).count()).toBe(2);
      const rows: unknown[] = await again.query('SELECT name FROM keel_migrations');
      expect(rows).toHaveLength(1);
    } finally {
      await again.destroy();
    }
  });
});

describe('openDatabase on SQLite with a page size', () => {
  const pragma = async (ds: DataSource, name: string) =>
    Object.values(((await ds.query(`PRAGMA ${name}`)) as Record<string, unknown>[])[0]!)[0];

  it('should create a new database with that page size in WAL mode and leave an existing one as it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-page-size-'));
    try {
      const older = await openDatabase({ service: 'older', dataDir, ...schema });
      await older.destroy();
      const created = await openDatabase({ service: 'created', dataDir, sqlitePageSize: 16384, ...schema });
      const reopened = await openDatabase({ service: 'older', dataDir, sqlitePageSize: 16384, ...schema });
      try {
        expect(await pragma(created, 'page_size')).toBe(16384);
        expect(await pragma(created, 'journal_mode')).toBe('wal');
        await created.getRepository(Widget).save({ id: 'a', size: 1 });
        expect(await created.getRepository(Widget).count()).toBe(1);
        expect(await pragma(reopened, 'page_size')).toBe(4096);
      } finally {
        await created.destroy();
        await reopened.destroy();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should refuse a page size SQLite does not have, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-page-size-'));
    try {
      await expect(openDatabase({ service: 'odd', dataDir, sqlitePageSize: 10000, ...schema })).rejects.toThrow(
        'invalid SQLite page size 10000',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
