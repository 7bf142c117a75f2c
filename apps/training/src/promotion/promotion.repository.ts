import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { PromotionPolicyRow } from '../jobs/jobs.entities';

/** Promotion policies per model. */
@Injectable()
export class PromotionRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  get(model: string): Promise<PromotionPolicyRow | null> {
    return this.dataSource.getRepository(PromotionPolicyRow).findOneBy({ model });
  }

  async save(row: PromotionPolicyRow, m: EntityManager = this.dataSource.manager): Promise<void> {
    await m.getRepository(PromotionPolicyRow).save(row);
  }
}
