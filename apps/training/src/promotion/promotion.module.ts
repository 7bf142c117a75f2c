import { Module } from '@nestjs/common';
import { PromotionGate } from './promotion-gate';
import { PromotionGrpcController } from './promotion.grpc.controller';
import { PromotionRepository } from './promotion.repository';

@Module({
  providers: [PromotionRepository, PromotionGate, PromotionGrpcController],
  exports: [PromotionGate],
})
export class PromotionModule {}
