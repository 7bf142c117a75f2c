import { Injectable } from '@nestjs/common';
import { OnEvent, type ConsumedEvent } from '@keel/event-bus';
import { PerformanceService } from './performance.service';

/** keel.feedback → ground truth joined to the logged predictions. */
@Injectable()
export class FeedbackConsumer {
  constructor(private readonly performance: PerformanceService) {}

  @OnEvent('keel.feedback', { group: 'keel-monitoring-feedback' })
  onFeedback(event: ConsumedEvent<'keel.feedback'>): Promise<void> {
    return this.performance.onFeedback(event.data);
  }
}
