import { Column, Entity, PrimaryColumn, Table, type MigrationInterface, type QueryRunner } from 'typeorm';
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
