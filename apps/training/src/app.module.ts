import { Module } from '@nestjs/common';
import { DatabaseModule } from '@keel/runtime';

/** The training service: runs training jobs and tracks them as reproducible runs. */
@Module({
  imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })],
})
export class AppModule {}
