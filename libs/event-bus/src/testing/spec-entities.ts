// A stand-in for a service's own table, so tests can see a handler's or a transaction's side effects.
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { Column, Entity, PrimaryGeneratedColumn, Table, type MigrationInterface, type QueryRunner } from 'typeorm';

@Entity({ name: 'spec_side_effect' })
export class SideEffect {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ name: 'label', type: 'varchar', length: 255 })
  label!: string;
}

export class CreateSideEffect1764201700000 implements MigrationInterface {
  name = 'CreateSideEffect1764201700000';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'spec_side_effect',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'event_id', type: 'varchar', length: '255' },
          { name: 'label', type: 'varchar', length: '255' },
        ],
      }),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('spec_side_effect');
  }
}

export const specSchema = {
  entities: [...eventTableEntities, SideEffect],
  migrations: [...eventTableMigrations, CreateSideEffect1764201700000],
};
