import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const big = (name: string): TableColumnOptions => ({ name, type: 'bigint' });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });

export class CreateTrainingTables1764400000000 implements MigrationInterface {
  name = 'CreateTrainingTables1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'training_jobs',
        columns: [
          { ...str('id', 128), isPrimary: true },
          str('model', 63),
          str('dataset', 63),
          { name: 'dataset_version', type: 'integer' },
          str('snapshot_sha256', 64),
          str('algorithm', 16),
          text('params'),
          big('seed'),
          str('target', 250),
          str('state', 16),
          str('trigger', 16),
          { ...str('dedupe_key', 250, true), isUnique: true },
          str('failure_code', 32),
          text('failure_message'),
          { name: 'attempts', type: 'integer' },
          str('lease_owner', 64),
          big('lease_expires_at'),
          { name: 'cancel_requested', type: 'boolean' },
          text('progress', true),
          { name: 'model_version', type: 'integer' },
          str('run_id', 128),
          text('metrics', true),
          text('gate', true),
          big('created_at'),
          big('updated_at'),
          big('started_at'),
          big('finished_at'),
        ],
      }),
    );
    await q.createIndex(
      'training_jobs',
      new TableIndex({ name: 'training_jobs_state_idx', columnNames: ['state', 'created_at'] }),
    );
    await q.createTable(
      new Table({
        name: 'training_policies',
        columns: [
          { ...str('dataset', 63), isPrimary: true },
          str('model', 63),
          str('algorithm', 16),
          text('params'),
          big('seed'),
          str('target', 250),
          { name: 'enabled', type: 'boolean' },
          big('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'promotion_policies',
        columns: [
          { ...str('model', 63), isPrimary: true },
          text('min_metrics'),
          str('compare_metric', 32),
          { name: 'max_regression', type: 'double precision' },
          { name: 'require_signature_match', type: 'boolean' },
          big('updated_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('promotion_policies');
    await q.dropTable('training_policies');
    await q.dropTable('training_jobs');
  }
}
