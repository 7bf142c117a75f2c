import { Module } from '@nestjs/common';
import { DatabaseModule } from '@keel/runtime';

/** The ingestion service: validates records arriving on keel.ingest.<dataset> and versions them as immutable snapshots. */
@Module({
  imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })],
})
export class AppModule {}
