import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventBus, kafkaConnection, type Subscription, type TransactionalEvent } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { RegistrySettings } from '../config';
import { AuditService } from './audit.service';

const RETRY_MS = 2000;
export const AUDIT_GROUP = 'keel-registry-audit';

/**
 * Admin actions of other services reach the trail as events from their outboxes (committed with the
 * action): keel.model.promotion_refused (training's gate) and keel.policy.changed (training and
 * monitoring policies). Each entry is written in the transaction that marks the event processed and
 * under the event's id: a redelivery never records it twice. Like the outbox relay, it connects in the background: Kafka being down never makes the
 * registry unready, the entries arrive once it is back.
 */
@Injectable()
export class AuditConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private bus?: EventBus;
  private readonly subscriptions: Subscription[] = [];
  private stopping = false;

  constructor(
    private readonly audit: AuditService,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<RegistrySettings>,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditEvents) void this.connectLoop();
  }

  async onPromotionRefused(event: TransactionalEvent<'keel.model.promotion_refused'>): Promise<void> {
    const d = event.data;
    await this.audit.record(event.manager, {
      id: event.id,
      at: Date.parse(event.time) || Date.now(),
      actor: d.requestedBy,
      action: 'model.promotion_refused',
      subject: `${d.model}@${d.alias}`,
      details: { version: d.version, championVersion: d.championVersion, reasons: d.reasons, comparison: d.comparison },
    });
  }

  async onPolicyChanged(event: TransactionalEvent<'keel.policy.changed'>): Promise<void> {
    const d = event.data;
    await this.audit.record(event.manager, {
      id: event.id,
      at: Date.parse(event.time) || Date.now(),
      actor: d.actor,
      action: 'policy.changed',
      subject: `policy/${d.kind}/${d.name}`,
      details: { service: d.service, policy: d.policy },
      traceId: d.traceId,
    });
  }

  private async connectLoop(): Promise<void> {
    while (!this.stopping) {
      const bus = new EventBus({
        ...kafkaConnection(this.config),
        clientId: 'keel-registry-audit',
        source: 'keel/registry',
        logger: this.logger,
        metrics: this.metrics.registry,
      });
      try {
        await bus.connect();
        this.bus = bus;
        if (this.stopping) break;
        const options = { group: AUDIT_GROUP, dataSource: this.dataSource };
        this.subscriptions.push(
          await bus.subscribe(
            'keel.model.promotion_refused',
            (e: TransactionalEvent<'keel.model.promotion_refused'>) => this.onPromotionRefused(e),
            options,
          ),
          await bus.subscribe(
            'keel.policy.changed',
            (e: TransactionalEvent<'keel.policy.changed'>) => this.onPolicyChanged(e),
            { ...options, group: `${AUDIT_GROUP}-policies` },
          ),
        );
        this.logger.info('audit consumer subscribed to promotion refusals and policy changes');
        return;
      } catch (err) {
        this.bus = undefined;
        for (const s of this.subscriptions.splice(0)) await s.close().catch(() => undefined);
        await bus.close().catch(() => undefined);
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          `audit consumer: Kafka not reachable; retrying in ${RETRY_MS} ms`,
        );
        await new Promise((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const s of this.subscriptions.splice(0)) await s.close();
    await this.bus?.close();
  }
}
