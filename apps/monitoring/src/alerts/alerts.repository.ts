import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { AlertRow, RetrainRequestRow, WebhookDeliveryRow } from '../common/monitoring.entities';

@Injectable()
export class AlertsRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  openAlert(m: EntityManager, model: string, kind: string): Promise<AlertRow | null> {
    return m.getRepository(AlertRow).findOne({ where: { model, kind, status: 'firing' }, order: { firedAt: 'DESC' } });
  }

  saveAlert(m: EntityManager, row: AlertRow): Promise<AlertRow> {
    return m.getRepository(AlertRow).save(row);
  }

  async lastRetrainAt(m: EntityManager, model: string): Promise<number | null> {
    const row = await m.getRepository(RetrainRequestRow).findOne({ where: { model }, order: { requestedAt: 'DESC' } });
    return row?.requestedAt ?? null;
  }

  insertRetrain(m: EntityManager, row: RetrainRequestRow): Promise<unknown> {
    return m.getRepository(RetrainRequestRow).insert(row);
  }

  insertDelivery(m: EntityManager, row: WebhookDeliveryRow): Promise<unknown> {
    return m.getRepository(WebhookDeliveryRow).insert(row);
  }

  list(filter: { model?: string; status?: string; limit: number }): Promise<AlertRow[]> {
    const where: { model?: string; status?: string } = {};
    if (filter.model) where.model = filter.model;
    if (filter.status) where.status = filter.status;
    return this.dataSource.getRepository(AlertRow).find({ where, order: { firedAt: 'DESC' }, take: filter.limit });
  }

  /** Firing alerts of the model of any of `kinds`, in one query. */
  firingCount(model: string, kinds: readonly string[]): Promise<number> {
    return this.dataSource.getRepository(AlertRow).count({ where: { model, kind: In(kinds), status: 'firing' } });
  }

  deliveries(filter: { alertId?: string; limit: number }): Promise<WebhookDeliveryRow[]> {
    return this.dataSource.getRepository(WebhookDeliveryRow).find({
      where: filter.alertId ? { alertId: filter.alertId } : {},
      order: { createdAt: 'DESC' },
      take: filter.limit,
    });
  }
}
