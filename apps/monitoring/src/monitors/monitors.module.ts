import { Module } from '@nestjs/common';
import { MonitorQueries } from './monitor-queries.service';
import { MonitorsGrpcController } from './monitors.grpc.controller';
import { MonitorsRepository } from './monitors.repository';
import { MonitorsService } from './monitors.service';
import { PromotionsConsumer } from './promotions.consumer';

@Module({
  providers: [MonitorsRepository, MonitorsService, MonitorQueries, PromotionsConsumer, MonitorsGrpcController],
  exports: [MonitorsService, MonitorQueries],
})
export class MonitorsModule {}
