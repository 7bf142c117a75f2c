import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module';
import { IngestConsumer } from './ingest.consumer';
import { RecordsMetrics } from './records.metrics';
import { RecordsService } from './records.service';
import { StagingRepository } from './staging.repository';

/** Records from keel.ingest.<dataset>: validated, dead-lettered or staged. */
@Module({
  imports: [DatasetsModule],
  providers: [StagingRepository, RecordsMetrics, RecordsService, IngestConsumer],
  exports: [RecordsService, StagingRepository],
})
export class RecordsModule {}
