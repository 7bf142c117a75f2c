import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const modelFk = [
  { columnNames: ['model_id'], referencedTableName: 'registered_models', referencedColumnNames: ['id'] },
];

export class CreateModelTables1764300002000 implements MigrationInterface {
  name = 'CreateModelTables1764300002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'registered_models',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '63', isUnique: true },
          { name: 'description', type: 'text' },
          { name: 'latest_version', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'registered_model_tags',
        columns: [
          { name: 'model_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'key', type: 'varchar', length: '250', isPrimary: true },
          { name: 'value', type: 'varchar', length: '1024' },
        ],
        foreignKeys: modelFk,
      }),
    );
    await q.createIndex(
      'registered_model_tags',
      new TableIndex({ name: 'registered_model_tags_key_value_idx', columnNames: ['key', 'value'] }),
    );
    await q.createTable(
      new Table({
        name: 'model_versions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'integer' },
          { name: 'run_id', type: 'varchar', length: '36' },
          { name: 'snapshot_sha256', type: 'varchar', length: '64' },
          { name: 'artifact_sha256', type: 'varchar', length: '64' },
          { name: 'artifact_uri', type: 'varchar', length: '2048' },
          { name: 'format', type: 'varchar', length: '16' },
          { name: 'signature', type: 'text' },
          { name: 'description', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'bigint' },
          { name: 'archived_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [
          ...modelFk,
          { columnNames: ['run_id'], referencedTableName: 'runs', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createIndex(
      'model_versions',
      new TableIndex({ name: 'model_versions_version_uq', columnNames: ['model_id', 'version'], isUnique: true }),
    );
    await q.createIndex(
      'model_versions',
      new TableIndex({ name: 'model_versions_snapshot_idx', columnNames: ['snapshot_sha256', 'created_at'] }),
    );
    await q.createIndex('model_versions', new TableIndex({ name: 'model_versions_run_idx', columnNames: ['run_id'] }));
    await q.createTable(
      new Table({
        name: 'model_version_tags',
        columns: [
          { name: 'version_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'key', type: 'varchar', length: '250', isPrimary: true },
          { name: 'value', type: 'varchar', length: '1024' },
        ],
        foreignKeys: [
          { columnNames: ['version_id'], referencedTableName: 'model_versions', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'model_aliases',
        columns: [
          { name: 'model_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'alias', type: 'varchar', length: '32', isPrimary: true },
          { name: 'version', type: 'integer' },
          { name: 'revision', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        foreignKeys: modelFk,
      }),
    );
    await q.createIndex(
      'model_aliases',
      new TableIndex({ name: 'model_aliases_version_idx', columnNames: ['model_id', 'version'] }),
    );
    await q.createTable(
      new Table({
        name: 'model_alias_history',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model_id', type: 'varchar', length: '36' },
          { name: 'alias', type: 'varchar', length: '32' },
          { name: 'from_version', type: 'integer', isNullable: true },
          { name: 'to_version', type: 'integer', isNullable: true },
          { name: 'revision', type: 'bigint' },
          { name: 'reason', type: 'varchar', length: '1024' },
          { name: 'actor', type: 'varchar', length: '255' },
          { name: 'changed_at', type: 'bigint' },
        ],
        foreignKeys: modelFk,
      }),
    );
    await q.createIndex(
      'model_alias_history',
      new TableIndex({
        name: 'model_alias_history_revision_uq',
        columnNames: ['model_id', 'alias', 'revision'],
        isUnique: true,
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'model_alias_history',
      'model_aliases',
      'model_version_tags',
      'model_versions',
      'registered_model_tags',
      'registered_models',
    ])
      await q.dropTable(t);
  }
}
