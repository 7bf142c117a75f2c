import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { DriftWindowRow, PerformanceWindowRow, PredictionBaselineRow } from '../common/monitoring.entities';

@Injectable()
export class WindowsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  insert(m: EntityManager, row: DriftWindowRow): Promise<unknown> {
    return m.getRepository(DriftWindowRow).insert(row);
  }

  insertPerformance(m: EntityManager, row: PerformanceWindowRow): Promise<unknown> {
    return m.getRepository(PerformanceWindowRow).insert(row);
  }

  saveBaseline(m: EntityManager, row: PredictionBaselineRow): Promise<unknown> {
    return m.getRepository(PredictionBaselineRow).save(row);
  }

  baseline(model: string, version: number): Promise<PredictionBaselineRow | null> {
    return this.dataSource.getRepository(PredictionBaselineRow).findOne({ where: { model, version } });
  }

  list(model: string | undefined, limit: number): Promise<DriftWindowRow[]> {
    return this.dataSource
      .getRepository(DriftWindowRow)
      .find({ where: model ? { model } : {}, order: { createdAt: 'DESC', seq: 'DESC' }, take: limit });
  }

  get(id: string): Promise<DriftWindowRow | null> {
    return this.dataSource.getRepository(DriftWindowRow).findOne({ where: { id } });
  }

  listPerformance(model: string | undefined, limit: number): Promise<PerformanceWindowRow[]> {
    return this.dataSource
      .getRepository(PerformanceWindowRow)
      .find({ where: model ? { model } : {}, order: { createdAt: 'DESC', seq: 'DESC' }, take: limit });
  }
}
