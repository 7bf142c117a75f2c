import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';
import { AlertsModule } from './alerts/alerts.module';
import { CoreModule } from './common/core.module';
import { EventsModule } from './common/events.module';
import { monitoringEntities } from './common/monitoring.entities';
import { monitoringMigrations } from './common/monitoring.migration';
import { MonitorsModule } from './monitors/monitors.module';
import { OpsModule } from './ops/ops.module';
import { RegistryModule } from './registry/registry.module';
import { WindowsModule } from './windows/windows.module';

/** The monitoring service: watches predictions and feedback for drift and performance and raises alerts. */
@Module({
  imports: [
    // The event bus's processed-events (dedupe) and outbox tables, migrated at start, plus monitoring's own.
    DatabaseModule.forRoot({
      entities: [...eventTableEntities, ...monitoringEntities],
      migrations: [...eventTableMigrations, ...monitoringMigrations],
    }),
    EventsModule,
    RegistryModule,
    CoreModule,
    MonitorsModule,
    WindowsModule,
    AlertsModule,
    OpsModule,
  ],
})
export class AppModule {}
