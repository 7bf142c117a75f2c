import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';

/** The monitoring service: watches predictions and feedback for drift and performance and raises alerts. */
@Module({
  imports: [
    // The event bus's processed-events (dedupe) and outbox tables, migrated at start.
    DatabaseModule.forRoot({ entities: eventTableEntities, migrations: eventTableMigrations }),
  ],
})
export class AppModule {}
