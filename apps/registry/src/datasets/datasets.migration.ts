import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateDatasetTables1764300000000 implements MigrationInterface {
  name = 'CreateDatasetTables1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'datasets',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '63', isUnique: true },
          { name: 'description', type: 'text' },
          { name: 'columns', type: 'text' },
          { name: 'entity_key', type: 'varchar', length: '128' },
          { name: 'target', type: 'varchar', length: '128' },
          { name: 'latest_version', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'dataset_snapshots',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'dataset_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'integer' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'row_count', type: 'bigint' },
          { name: 'columns', type: 'text' },
          { name: 'profile', type: 'text' },
          { name: 'artifact_uri', type: 'varchar', length: '2048' },
          { name: 'window_from', type: 'bigint' },
          { name: 'window_to', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
        foreignKeys: [{ columnNames: ['dataset_id'], referencedTableName: 'datasets', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex(
      'dataset_snapshots',
      new TableIndex({ name: 'dataset_snapshots_version_uq', columnNames: ['dataset_id', 'version'], isUnique: true }),
    );
    await q.createIndex(
      'dataset_snapshots',
      new TableIndex({ name: 'dataset_snapshots_sha_uq', columnNames: ['dataset_id', 'sha256'], isUnique: true }),
    );
    await q.createIndex(
      'dataset_snapshots',
      new TableIndex({ name: 'dataset_snapshots_sha_idx', columnNames: ['sha256'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('dataset_snapshots');
    await q.dropTable('datasets');
  }
}
