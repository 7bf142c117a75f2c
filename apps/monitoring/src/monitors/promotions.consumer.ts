import { Injectable } from '@nestjs/common';
import { OnEvent, type ConsumedEvent } from '@keel/event-bus';
import { MonitorsService } from './monitors.service';

/** keel.model.promoted → the monitor follows the production alias. */
@Injectable()
export class PromotionsConsumer {
  constructor(private readonly monitors: MonitorsService) {}

  @OnEvent('keel.model.promoted', { group: 'keel-monitoring-promotions' })
  onPromoted(event: ConsumedEvent<'keel.model.promoted'>): Promise<void> {
    this.monitors.onAliasMoved(event.data.model, event.data.alias, event.data.toVersion);
    return Promise.resolve();
  }
}
