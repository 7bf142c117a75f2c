import { Global, Module } from '@nestjs/common';
import { AlertNotifier } from '../alerts/alert-notifier';
import { AlertQueries } from '../alerts/alert-queries.service';
import { AlertsRepository } from '../alerts/alerts.repository';
import { AlertsService } from '../alerts/alerts.service';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { WindowsRepository } from '../windows/windows.repository';
import { LiveFeed } from './live-feed';
import { MonitorStates } from './monitor-states';
import { MonitoringMetrics } from './monitoring-metrics';

const shared = [
  MonitorStates,
  LiveFeed,
  MonitoringMetrics,
  WindowsRepository,
  AlertsRepository,
  AlertsService,
  AlertQueries,
  AlertNotifier,
  WebhookDispatcher,
];

/** What several contexts share: live model states, the live feed, metrics, the alert pipeline and webhooks. */
@Global()
@Module({ providers: shared, exports: shared })
export class CoreModule {}
