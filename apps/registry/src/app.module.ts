import { Module } from '@nestjs/common';
import { DatabaseModule } from '@keel/runtime';

/** The registry service: the system of record: datasets, runs, model versions, aliases, lineage and artifacts. */
@Module({
  imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })],
})
export class AppModule {}
