import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The trace context of a job's trigger: the job waits in the queue, its span links back to it. */
export class AddJobTraceContext1764400002000 implements MigrationInterface {
  name = 'AddJobTraceContext1764400002000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'training_jobs',
      new TableColumn({ name: 'trace_context', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('training_jobs', 'trace_context');
  }
}
