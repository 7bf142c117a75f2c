import { Module } from '@nestjs/common';
import { DatasetsGrpcController } from './datasets.grpc.controller';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsService } from './datasets.service';

@Module({
  providers: [DatasetsRepository, DatasetsService, DatasetsGrpcController],
  exports: [DatasetsService],
})
export class DatasetsModule {}
