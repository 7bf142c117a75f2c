import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';

/** The training service: runs training jobs and tracks them as reproducible runs. */
@Module({
  imports: [
    // The event bus's processed-events (dedupe) and outbox tables, migrated at start.
    DatabaseModule.forRoot({ entities: eventTableEntities, migrations: eventTableMigrations }),
  ],
})
export class AppModule {}
