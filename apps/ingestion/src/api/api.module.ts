import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { IngestionGrpcController } from './ingestion.grpc.controller';

/** The gRPC adapter of keel.ingestion.v1 (one service spanning the datasets and snapshots contexts). */
@Module({ imports: [DatasetsModule, SnapshotsModule], providers: [IngestionGrpcController] })
export class ApiModule {}
