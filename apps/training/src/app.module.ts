import { Module } from '@nestjs/common';
import { eventTableEntities, eventTableMigrations } from '@keel/persistence';
import { DatabaseModule } from '@keel/runtime';
import { CoreModule } from './common/core.module';
import { trainingEntities, trainingMigrations } from './database';
import { JobsModule } from './jobs/jobs.module';
import { PromotionModule } from './promotion/promotion.module';

/** The training service: a job queue trained in worker threads, tracked runs, registered models, the gate. */
@Module({
  imports: [
    DatabaseModule.forRoot({
      entities: [...trainingEntities, ...eventTableEntities],
      migrations: [...eventTableMigrations, ...trainingMigrations],
    }),
    CoreModule,
    PromotionModule,
    JobsModule,
  ],
})
export class AppModule {}
