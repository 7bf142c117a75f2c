import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import { MonitorOverrideRow } from '../common/monitoring.entities';
import { writeTransaction } from '@keel/persistence';
import type { MonitorOverrides } from './monitor-settings';

@Injectable()
export class MonitorsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async all(): Promise<Map<string, MonitorOverrides>> {
    const rows = await this.dataSource.getRepository(MonitorOverrideRow).find();
    return new Map(rows.map((r) => [r.model, JSON.parse(r.overrides) as MonitorOverrides]));
  }

  /** Saves the overrides; `alongside` runs in the same transaction (the policy-change event). */
  async save(
    model: string,
    overrides: MonitorOverrides,
    alongside: (m: EntityManager) => Promise<unknown> = () => Promise.resolve(),
  ): Promise<void> {
    await writeTransaction(this.dataSource, async (m) => {
      await m
        .getRepository(MonitorOverrideRow)
        .save({ model, overrides: JSON.stringify(overrides), updatedAt: Date.now() });
      await alongside(m);
    });
  }
}
