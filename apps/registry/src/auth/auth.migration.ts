import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAuthTables1764500000000 implements MigrationInterface {
  name = 'CreateAuthTables1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '63', isUnique: true },
          { name: 'secret_sha256', type: 'varchar', length: '64', isUnique: true },
          { name: 'scopes', type: 'text' },
          { name: 'created_by', type: 'varchar', length: '63' },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'revoked_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_tokens');
  }
}
