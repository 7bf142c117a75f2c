import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { OUTBOX_TABLE } from './outbox-event.entity';
import { PROCESSED_EVENTS_TABLE } from './processed-event.entity';

/**
 * Dedupe identity becomes (group, ce_source, ce_id): two producers may pick the same ce_id. Rows from
 * before keep an empty source and still match any source, so nothing is handled twice after the upgrade.
 * The outbox gains a failure count, the last error and a failed-at mark for rows the relay gave up on.
 */
export class EventTablesV21796002200000 implements MigrationInterface {
  name = 'EventTablesV21796002200000';

  async up(q: QueryRunner): Promise<void> {
    const t = PROCESSED_EVENTS_TABLE;
    if (q.connection.options.type === 'postgres') {
      await q.query(`ALTER TABLE "${t}" ADD COLUMN "event_source" varchar(255) NOT NULL DEFAULT ''`);
      const [pk] = (await q.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'`,
        [t],
      )) as { conname: string }[];
      if (pk) await q.query(`ALTER TABLE "${t}" DROP CONSTRAINT "${pk.conname}"`);
      await q.query(`ALTER TABLE "${t}" ADD PRIMARY KEY ("consumer_group", "event_source", "event_id")`);
    } else {
      // SQLite cannot alter a primary key: copy into a new table.
      await q.query(
        `CREATE TABLE "${t}_v2" ("consumer_group" varchar(255) NOT NULL, "event_source" varchar(255) NOT NULL DEFAULT '', ` +
          `"event_id" varchar(255) NOT NULL, "event_type" varchar(255) NOT NULL, "processed_at" bigint NOT NULL, ` +
          `PRIMARY KEY ("consumer_group", "event_source", "event_id"))`,
      );
      await q.query(
        `INSERT INTO "${t}_v2" ("consumer_group", "event_source", "event_id", "event_type", "processed_at") ` +
          `SELECT "consumer_group", '', "event_id", "event_type", "processed_at" FROM "${t}"`,
      );
      await q.query(`DROP TABLE "${t}"`);
      await q.query(`ALTER TABLE "${t}_v2" RENAME TO "${t}"`);
    }
    await q.addColumns(OUTBOX_TABLE, [
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'last_error', type: 'text', isNullable: true }),
      new TableColumn({ name: 'failed_at', type: 'bigint', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn(OUTBOX_TABLE, 'failed_at');
    await q.dropColumn(OUTBOX_TABLE, 'last_error');
    await q.dropColumn(OUTBOX_TABLE, 'attempts');
    await q.query(`DELETE FROM "${PROCESSED_EVENTS_TABLE}" WHERE "event_source" <> ''`);
    await q.dropColumn(PROCESSED_EVENTS_TABLE, 'event_source');
  }
}
