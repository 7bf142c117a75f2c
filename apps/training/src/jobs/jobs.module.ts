import { Module } from '@nestjs/common';
import { PromotionModule } from '../promotion/promotion.module';
import { JobExecutor } from './job-executor';
import { JobRunner } from './job-runner';
import { JobsConsumer } from './jobs.consumer';
import { JobsGrpcController } from './jobs.grpc.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [PromotionModule],
  providers: [JobsRepository, JobExecutor, JobRunner, JobsService, JobsGrpcController, JobsConsumer],
  exports: [JobsService],
})
export class JobsModule {}
