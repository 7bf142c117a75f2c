import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Hyperparameter search on a job: the declared search and the parameters it chose. */
export class AddJobSearch1764400001000 implements MigrationInterface {
  name = 'AddJobSearch1764400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('training_jobs', new TableColumn({ name: 'search', type: 'text', isNullable: true }));
    await q.addColumn('training_jobs', new TableColumn({ name: 'best_params', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('training_jobs', 'best_params');
    await q.dropColumn('training_jobs', 'search');
  }
}
