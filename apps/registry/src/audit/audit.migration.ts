import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAuditTable1764300003000 implements MigrationInterface {
  name = 'CreateAuditTable1764300003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'at', type: 'bigint' },
          { name: 'actor', type: 'varchar', length: '255' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'details', type: 'text' },
          { name: 'trace_id', type: 'varchar', length: '32' },
        ],
      }),
    );
    // Listings are newest first, optionally narrowed to one action or one subject.
    await q.createIndex('audit_entries', new TableIndex({ name: 'audit_entries_at_idx', columnNames: ['at'] }));
    await q.createIndex(
      'audit_entries',
      new TableIndex({ name: 'audit_entries_action_at_idx', columnNames: ['action', 'at'] }),
    );
    await q.createIndex(
      'audit_entries',
      new TableIndex({ name: 'audit_entries_subject_at_idx', columnNames: ['subject', 'at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_entries');
  }
}
