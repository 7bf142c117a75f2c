import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Optional dedupe by (entity key, event time): the keys accepted so far, and a duplicates counter. */
export class AddIngestDedupe1764500000000 implements MigrationInterface {
  name = 'AddIngestDedupe1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ingest_dedupe_keys',
        columns: [
          { name: 'dataset', type: 'varchar', length: '63', isPrimary: true },
          { name: 'entity', type: 'varchar', length: '512', isPrimary: true },
          { name: 'event_time', type: 'varchar', length: '64', isPrimary: true },
        ],
      }),
    );
    await q.addColumn(
      'ingest_datasets',
      new TableColumn({ name: 'duplicates', type: 'bigint', isNullable: false, default: 0 }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('ingest_datasets', 'duplicates');
    await q.dropTable('ingest_dedupe_keys');
  }
}
