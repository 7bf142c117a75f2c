import { Module } from '@nestjs/common';
import { OutboxModule } from '@keel/event-bus';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { DatasetsModule } from './datasets/datasets.module';
import { registryEntities, registryMigrations } from './database';
import { LineageModule } from './lineage/lineage.module';
import { ModelsModule } from './models/models.module';
import { PlannerStatistics } from './planner-statistics';
import { RunsModule } from './runs/runs.module';

/** The registry service: the system of record: datasets, runs, model versions, aliases, lineage, artifacts, tokens. */
@Module({
  imports: [
    DatabaseModule.forRoot({
      entities: [...registryEntities, ...eventTableEntities],
      migrations: [...eventTableMigrations, ...registryMigrations],
      // Search and hydration are index lookups into a working set that is in memory (or on SSD):
      // costed at the spinning-disk default of 4, the planner prefers scanning whole small tables.
      postgresSettings: { random_page_cost: '1.1' },
    }),
    OutboxModule.forRoot({ source: 'keel/registry' }),
    AuditModule,
    ArtifactsModule,
    DatasetsModule,
    RunsModule,
    ModelsModule,
    LineageModule,
    AuthModule,
  ],
  providers: [PlannerStatistics],
})
export class AppModule {}
