import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The trace context of each staged batch of records: staged rows wait for the next snapshot, whose span
 * links to (a bounded sample of) the batches it takes, in whichever replica builds it.
 */
export class AddStagedTraces1764500001000 implements MigrationInterface {
  name = 'AddStagedTraces1764500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ingest_staged_traces',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'dataset', type: 'varchar', length: '63' },
          { name: 'traceparent', type: 'varchar', length: '64' },
          { name: 'staged_at', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex(
      'ingest_staged_traces',
      new TableIndex({ name: 'ingest_staged_traces_dataset_idx', columnNames: ['dataset', 'id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ingest_staged_traces');
  }
}
