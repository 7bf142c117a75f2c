import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Datasets, staged records, the consumer's offset marks, snapshot parts, snapshots and builder leases. */
export class CreateIngestionTables1764400000000 implements MigrationInterface {
  name = 'CreateIngestionTables1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ingest_datasets',
        columns: [
          { name: 'name', type: 'varchar', length: '63', isPrimary: true },
          { name: 'schema', type: 'text' },
          { name: 'schema_version', type: 'integer' },
          { name: 'policy', type: 'text' },
          { name: 'accepted', type: 'bigint' },
          { name: 'rejected', type: 'bigint' },
          { name: 'latest_version', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ingest_staged_rows',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'dataset', type: 'varchar', length: '63' },
          { name: 'schema_version', type: 'integer' },
          { name: 'row', type: 'text' },
          { name: 'source_partition', type: 'integer' },
          { name: 'source_offset', type: 'bigint' },
          { name: 'received_at', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex(
      'ingest_staged_rows',
      new TableIndex({ name: 'ingest_staged_rows_dataset_idx', columnNames: ['dataset', 'id'] }),
    );
    await q.createTable(
      new Table({
        name: 'ingest_offsets',
        columns: [
          { name: 'group_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'topic', type: 'varchar', length: '255', isPrimary: true },
          { name: 'partition', type: 'integer', isPrimary: true },
          { name: 'next_offset', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ingest_parts',
        columns: [
          { name: 'dataset', type: 'varchar', length: '63', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'rows', type: 'bigint' },
          { name: 'uri', type: 'varchar', length: '2048' },
          { name: 'profile', type: 'text' },
          { name: 'offsets', type: 'text' },
          { name: 'last_staged_id', type: 'integer' },
          { name: 'window_from', type: 'bigint' },
          { name: 'window_to', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ingest_snapshots',
        columns: [
          { name: 'dataset', type: 'varchar', length: '63', isPrimary: true },
          { name: 'version', type: 'integer', isPrimary: true },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'rows', type: 'bigint' },
          { name: 'schema_version', type: 'integer' },
          { name: 'artifact_uri', type: 'varchar', length: '2048' },
          { name: 'manifest', type: 'text' },
          { name: 'profile', type: 'text' },
          { name: 'window_from', type: 'bigint' },
          { name: 'window_to', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ingest_leases',
        columns: [
          { name: 'dataset', type: 'varchar', length: '63', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '128' },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ingest_leases', 'ingest_snapshots', 'ingest_parts', 'ingest_offsets', 'ingest_staged_rows'])
      await q.dropTable(t);
    await q.dropTable('ingest_datasets');
  }
}
