import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource } from 'typeorm';
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

  async save(model: string, overrides: MonitorOverrides): Promise<void> {
    await writeTransaction(this.dataSource, (m) =>
      m.getRepository(MonitorOverrideRow).save({ model, overrides: JSON.stringify(overrides), updatedAt: Date.now() }),
    );
  }
}
