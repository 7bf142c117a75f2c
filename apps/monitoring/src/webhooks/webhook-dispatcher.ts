// Sends queued webhook deliveries (rows written with the alert, so none is lost in a crash), retrying
// with exponential backoff up to the configured attempts; every attempt's outcome is recorded.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { LessThanOrEqual, type DataSource } from 'typeorm';
import type { MonitoringSettings } from '../config';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { WebhookDeliveryRow } from '../common/monitoring.entities';
import { writeTransaction } from '@keel/persistence';
import { AddressPolicy } from './ssrf-guard';
import { WebhookSender } from './webhook-sender';

const POLL_MS = 500;
const MAX_DELAY_MS = 600_000;

export function retryDelayMs(firstMs: number, attempt: number): number {
  return Math.min(firstMs * 2 ** (attempt - 1), MAX_DELAY_MS);
}

@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sender: WebhookSender;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<MonitoringSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MonitoringMetrics,
  ) {
    this.sender = new WebhookSender({
      policy: new AddressPolicy(config.webhookAllow.filter((a) => a !== 'none')),
      timeoutMs: config.webhookTimeoutMs,
      maxResponseBytes: 64 * 1024,
      maxRedirects: 3,
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pass();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'webhook pass failed; retrying');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, POLL_MS);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async pass(): Promise<void> {
    const due = await this.dataSource.getRepository(WebhookDeliveryRow).find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(Date.now()) },
      order: { nextAttemptAt: 'ASC' },
      take: 20,
    });
    await Promise.all(due.map((d) => this.attempt(d)));
  }

  private async attempt(d: WebhookDeliveryRow): Promise<void> {
    const result = await this.sender.send({
      url: d.url,
      deliveryId: d.id,
      event: d.event,
      body: d.body,
      secret: this.config.webhookSecret ?? null,
    });
    const attempts = d.attempts + 1;
    const failed = !result.ok && attempts >= this.config.webhookAttempts;
    const update: Partial<WebhookDeliveryRow> = {
      attempts,
      lastStatusCode: result.status,
      lastError: result.error,
      status: result.ok ? 'delivered' : failed ? 'failed' : 'pending',
      deliveredAt: result.ok ? Date.now() : null,
      nextAttemptAt:
        result.ok || failed ? d.nextAttemptAt : Date.now() + retryDelayMs(this.config.webhookRetryMs, attempts),
    };
    this.metrics.webhookDeliveries.inc({ outcome: result.ok ? 'delivered' : failed ? 'failed' : 'retry' });
    if (!result.ok)
      this.logger.warn({ delivery: d.id, url: d.url, attempts, error: result.error }, 'webhook delivery failed');
    await writeTransaction(this.dataSource, (m) => m.getRepository(WebhookDeliveryRow).update({ id: d.id }, update));
  }
}
