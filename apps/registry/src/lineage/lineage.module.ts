import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module';
import { ModelsModule } from '../models/models.module';
import { RunsModule } from '../runs/runs.module';
import { LineageGrpcController } from './lineage.grpc.controller';
import { LineageService } from './lineage.service';

@Module({
  imports: [DatasetsModule, RunsModule, ModelsModule],
  providers: [LineageService, LineageGrpcController],
})
export class LineageModule {}
