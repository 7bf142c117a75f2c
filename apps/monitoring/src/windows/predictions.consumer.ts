import { Injectable } from '@nestjs/common';
import { OnEvent, PermanentEventError, type ConsumedEvent } from '@keel/event-bus';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import { WindowsService } from './windows.service';

/** keel.inference.logged → the model's drift window and label join. A malformed log is dead-lettered. */
@Injectable()
export class PredictionsConsumer {
  constructor(private readonly windows: WindowsService) {}

  @OnEvent('keel.inference.logged', { group: 'keel-monitoring-predictions' })
  async onLogged(event: ConsumedEvent<'keel.inference.logged'>): Promise<void> {
    try {
      await this.windows.onPredictions(event.data, Date.parse(event.time) || Date.now(), {
        partition: event.partition,
        offset: Number(event.offset),
      });
    } catch (err) {
      if (err instanceof MonitoringError && err.code === MonitoringErrorCode.InvalidPredictionLog)
        throw new PermanentEventError(`${err.field ?? 'payload'}: ${err.message}`);
      throw err;
    }
  }
}
