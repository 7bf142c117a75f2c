import { Injectable } from '@nestjs/common';
import { OutboxRelayLifecycle } from '@keel/event-bus';
import { LiveFeed } from '../common/live-feed';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { alertView } from '../windows/windows.mapper';
import type { AlertChange } from './alerts.service';

/** After an alert's transaction committed: send its events and webhooks now, refresh gauges, tell the page. */
@Injectable()
export class AlertNotifier {
  constructor(
    private readonly relay: OutboxRelayLifecycle,
    private readonly webhooks: WebhookDispatcher,
    private readonly metrics: MonitoringMetrics,
    private readonly live: LiveFeed,
  ) {}

  committed(change: AlertChange | null): void {
    if (!change) return;
    this.relay.wake();
    this.webhooks.wake();
    const { model, kind, status } = change.alert;
    this.metrics.alertsFiring.set({ model, kind }, status === 'firing' ? 1 : 0);
    this.live.publish('alert', { action: change.action, alert: alertView(change.alert) });
  }
}
