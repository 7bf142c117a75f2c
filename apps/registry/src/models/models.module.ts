import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { AuditModule } from '../audit/audit.module';
import { RunsModule } from '../runs/runs.module';
import { AliasesService } from './aliases.service';
import { ModelsGrpcController } from './models.grpc.controller';
import { ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

@Module({
  imports: [RunsModule, ArtifactsModule, AuditModule],
  providers: [ModelsRepository, ModelsService, AliasesService, ModelsGrpcController],
  exports: [ModelsService],
})
export class ModelsModule {}
