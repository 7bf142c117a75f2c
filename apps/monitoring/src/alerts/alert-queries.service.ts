import { Injectable } from '@nestjs/common';
import { invalidArgument } from '../common/monitoring.errors';
import { limitOf } from '../windows/drift-queries.service';
import { alertView, deliveryView, type AlertView } from '../windows/windows.mapper';
import { AlertsRepository } from './alerts.repository';

/** Reads of alerts and webhook deliveries (`keel alerts`, the ops page's timeline). */
@Injectable()
export class AlertQueries {
  constructor(private readonly repo: AlertsRepository) {}

  async alerts(model: string | undefined, status: string | undefined, limit?: number): Promise<AlertView[]> {
    if (status && status !== 'firing' && status !== 'resolved')
      throw invalidArgument('status', 'must be firing, resolved or empty');
    return (
      await this.repo.list({ model: model || undefined, status: status || undefined, limit: limitOf(limit) })
    ).map(alertView);
  }

  async deliveries(alertId: string | undefined, limit?: number): Promise<ReturnType<typeof deliveryView>[]> {
    return (await this.repo.deliveries({ alertId: alertId || undefined, limit: limitOf(limit) })).map(deliveryView);
  }

  /** Firing alerts of the model of any of `kinds`. */
  firing(model: string, ...kinds: string[]): Promise<number> {
    return this.repo.firingCount(model, kinds);
  }
}
