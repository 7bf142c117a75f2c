import { Module } from '@nestjs/common';
import { DatabaseModule } from '@keel/runtime';

/** The monitoring service: watches predictions and feedback for drift and performance and raises alerts. */
@Module({
  imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })],
})
export class AppModule {}
