import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';
import { ApiModule } from './api/api.module';
import { KafkaModule } from './common/kafka.module';
import { ingestionEntities, ingestionMigrations } from './database';
import { DatasetsModule } from './datasets/datasets.module';
import { RecordsModule } from './records/records.module';
import { SnapshotsModule } from './snapshots/snapshots.module';

/** The ingestion service: validates records arriving on keel.ingest.<dataset> and versions them as immutable snapshots. */
@Module({
  imports: [
    DatabaseModule.forRoot({
      entities: [...eventTableEntities, ...ingestionEntities],
      migrations: [...eventTableMigrations, ...ingestionMigrations],
    }),
    KafkaModule,
    DatasetsModule,
    RecordsModule,
    SnapshotsModule,
    ApiModule,
  ],
})
export class AppModule {}
