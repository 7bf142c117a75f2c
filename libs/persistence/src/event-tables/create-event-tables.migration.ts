import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_TABLE } from './outbox-event.entity';
import { PROCESSED_EVENTS_TABLE } from './processed-event.entity';

export class CreateEventTables1764201600000 implements MigrationInterface {
  name = 'CreateEventTables1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: PROCESSED_EVENTS_TABLE,
        columns: [
          { name: 'consumer_group', type: 'varchar', length: '255', isPrimary: true },
          { name: 'event_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'event_type', type: 'varchar', length: '255' },
          { name: 'processed_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: OUTBOX_TABLE,
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'event_id', type: 'varchar', length: '64' },
          { name: 'event_type', type: 'varchar', length: '255' },
          { name: 'topic', type: 'varchar', length: '255' },
          { name: 'message_key', type: 'varchar', length: '1024' },
          { name: 'subject', type: 'varchar', length: '1024', isNullable: true },
          { name: 'payload', type: 'text' },
          { name: 'headers', type: 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'sent_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await q.createIndex(
      OUTBOX_TABLE,
      new TableIndex({ name: `${OUTBOX_TABLE}_event_id_uq`, columnNames: ['event_id'], isUnique: true }),
    );
    await q.createIndex(
      OUTBOX_TABLE,
      new TableIndex({ name: `${OUTBOX_TABLE}_sent_at_idx`, columnNames: ['sent_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable(OUTBOX_TABLE);
    await q.dropTable(PROCESSED_EVENTS_TABLE);
  }
}
