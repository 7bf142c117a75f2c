import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';

/** The ingestion service: validates records arriving on keel.ingest.<dataset> and versions them as immutable snapshots. */
@Module({
  imports: [
    // The event bus's processed-events (dedupe) and outbox tables, migrated at start.
    DatabaseModule.forRoot({ entities: eventTableEntities, migrations: eventTableMigrations }),
  ],
})
export class AppModule {}
