// Where each monitored model's open drift window begins in keel.inference.logged, written in the same
// transaction as every closed window (and when a fresh window starts): after a crash the window is
// rebuilt by reading the log again from here, so a window that straddles a restart gives the same
// verdict, and its seq numbering goes on where it stopped.
import { Column, Entity, PrimaryColumn, Table, type MigrationInterface, type QueryRunner } from 'typeorm';

@Entity({ name: 'window_checkpoints' })
export class WindowCheckpointRow {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** sha256 of what shapes the window (settings, reference, features): a changed monitor starts afresh. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ type: 'integer' })
  partition!: number;

  /** The first row of the open window: a record's offset (exact as a double up to 2^53) and a row in it. */
  @Column({ name: 'log_offset', type: 'double precision' })
  offset!: number;

  @Column({ name: 'row_index', type: 'integer' })
  row!: number;

  /** Windows of this version closed so far. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'updated_at', type: 'double precision' })
  updatedAt!: number;
}

export class CreateWindowCheckpoints1765100000000 implements MigrationInterface {
  name = 'CreateWindowCheckpoints1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'window_checkpoints',
        columns: [
          { name: 'model', type: 'varchar', length: '63', isPrimary: true },
          { name: 'version', type: 'integer' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'partition', type: 'integer' },
          { name: 'log_offset', type: 'double precision' },
          { name: 'row_index', type: 'integer' },
          { name: 'seq', type: 'integer' },
          { name: 'updated_at', type: 'double precision' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('window_checkpoints');
  }
}
