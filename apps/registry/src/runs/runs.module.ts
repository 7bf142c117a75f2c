import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { RunsGrpcController } from './runs.grpc.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({
  imports: [ArtifactsModule],
  providers: [RunsRepository, RunsService, RunsGrpcController],
  exports: [RunsService],
})
export class RunsModule {}
