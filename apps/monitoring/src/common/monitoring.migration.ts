import { CreateWindowCheckpoints1765100000000 } from '../windows/window-checkpoint.entity';
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable });
const num = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'double precision', isNullable });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });

export class CreateMonitoringTables1765000000000 implements MigrationInterface {
  name = 'CreateMonitoringTables1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'monitor_overrides',
        columns: [{ ...str('model', 63), isPrimary: true }, text('overrides'), num('updated_at')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'drift_windows',
        columns: [
          id(),
          str('model', 63),
          int('version'),
          int('seq'),
          num('from_ms'),
          num('to_ms'),
          int('rows'),
          str('dataset', 63, true),
          int('dataset_version', true),
          str('reference_sha256', 64),
          text('report'),
          num('created_at'),
        ],
        indices: [new TableIndex({ name: 'drift_windows_model_idx', columnNames: ['model', 'created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'prediction_baselines',
        columns: [
          { ...str('model', 63), isPrimary: true },
          { ...int('version'), isPrimary: true },
          text('profile'),
          num('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'performance_windows',
        columns: [
          id(),
          str('model', 63),
          int('version'),
          int('seq'),
          num('from_ms'),
          num('to_ms'),
          text('metrics'),
          str('metric', 16),
          num('baseline', true),
          int('degraded'),
          num('created_at'),
        ],
        indices: [new TableIndex({ name: 'performance_windows_model_idx', columnNames: ['model', 'created_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          id(),
          str('model', 63),
          int('version'),
          str('kind', 16),
          str('status', 16),
          str('severity', 16),
          str('window_id', 36),
          num('window_from_ms'),
          num('window_to_ms'),
          int('window_rows'),
          text('drifted_features'),
          int('prediction_drift'),
          text('message'),
          text('evidence'),
          str('reference_sha256', 64),
          str('retrain_job_id', 64, true),
          num('fired_at'),
          num('last_seen_at'),
          num('last_notified_at'),
          num('resolved_at', true),
          int('repeats'),
        ],
        indices: [new TableIndex({ name: 'alerts_open_idx', columnNames: ['model', 'kind', 'status'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'retrain_requests',
        columns: [
          { ...str('job_id', 64), isPrimary: true },
          str('model', 63),
          str('dataset', 63),
          str('reason', 16),
          str('alert_id', 36),
          num('requested_at'),
        ],
        indices: [new TableIndex({ name: 'retrain_requests_model_idx', columnNames: ['model', 'requested_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id(),
          str('alert_id', 36),
          str('url', 2048),
          str('event', 32),
          text('body'),
          str('status', 16),
          int('attempts'),
          num('next_attempt_at'),
          int('last_status_code', true),
          text('last_error', true),
          num('created_at'),
          num('delivered_at', true),
        ],
        indices: [new TableIndex({ name: 'webhook_deliveries_due_idx', columnNames: ['status', 'next_attempt_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'webhook_deliveries',
      'retrain_requests',
      'alerts',
      'performance_windows',
      'prediction_baselines',
      'drift_windows',
      'monitor_overrides',
    ])
      await q.dropTable(t);
  }
}

export const monitoringMigrations = [CreateMonitoringTables1765000000000, CreateWindowCheckpoints1765100000000];
