import { Module } from '@nestjs/common';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsService } from './datasets.service';

/** Dataset schemas and snapshot policies. */
@Module({
  providers: [DatasetsRepository, DatasetsService],
  exports: [DatasetsService],
})
export class DatasetsModule {}
