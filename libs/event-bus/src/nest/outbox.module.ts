import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  DATA_SOURCE,
  LOGGER,
  SERVICE_CONFIG,
  SERVICE_NAME,
  setting,
  type ConfigOf,
  type ServiceSettings,
} from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { errorMessage } from '../errors';
import { EventBus } from '../event-bus';
import { kafkaConnection } from '../kafka-config';
import { Outbox } from '../outbox';
import { OutboxRelay } from '../outbox-relay';

/** The relay's variables, named after the service (KEEL_REGISTRY_OUTBOX_RELAY...); spread into its settings. */
export function outboxSettings(service: string) {
  const prefix = `KEEL_${service.toUpperCase()}`;
  return {
    outboxRelay: setting.bool(
      `${prefix}_OUTBOX_RELAY`,
      true,
      `Run the outbox relay that publishes committed ${service} events to Kafka (off: events wait in the outbox).`,
    ),
    outboxPollMs: setting.int(
      `${prefix}_OUTBOX_POLL_MS`,
      'How often the outbox relay looks for committed events when idle.',
      {
        default: 200,
        min: 10,
        max: 60_000,
      },
    ),
    outboxMaxSendAttempts: setting.int(
      `${prefix}_OUTBOX_MAX_SEND_ATTEMPTS`,
      'Failed sends (not outages) after which an outbox row is reported and skipped (keel_outbox_failed_total).',
      { default: 5, min: 1, max: 1000 },
    ),
    outboxRetentionHours: setting.int(
      `${prefix}_OUTBOX_RETENTION_HOURS`,
      'How long sent outbox rows are kept before the relay deletes them.',
      { default: 24, min: 0, max: 24 * 365 },
    ),
  };
}

type OutboxConfig = ConfigOf<ServiceSettings & ReturnType<typeof outboxSettings>>;

export interface OutboxModuleOptions {
  /** ce_source of the events, e.g. 'keel/registry'. */
  source: string;
  /** How long the relay waits between attempts to reach Kafka (default 2 s). */
  reconnectMs?: number;
}

const OUTBOX_MODULE_OPTIONS = Symbol('OUTBOX_MODULE_OPTIONS');

/**
 * Sends committed outbox rows to Kafka. Kafka being down never blocks the service: writes keep committing
 * their events to the outbox, and the relay connects (and reconnects) in the background.
 */
@Injectable()
export class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private bus?: EventBus;
  private relay?: OutboxRelay;
  private stopping = false;

  constructor(
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(SERVICE_CONFIG) private readonly config: OutboxConfig,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outboxRelay) {
      this.logger.warn('outbox relay is off: events stay in the outbox');
      return;
    }
    void this.connectLoop();
  }

  /** Sends what is pending now (a caller that just committed need not wait for the next poll). */
  wake(): void {
    this.relay?.wake();
  }

  private async connectLoop(): Promise<void> {
    const retryMs = this.options.reconnectMs ?? 2000;
    while (!this.stopping) {
      const bus = new EventBus({
        ...kafkaConnection(this.config),
        clientId: `keel-${this.service}`,
        source: this.options.source,
        logger: this.logger,
        metrics: this.metrics.registry,
      });
      try {
        await bus.connect();
        if (this.stopping) {
          await bus.close();
          return;
        }
        this.bus = bus;
        this.relay = new OutboxRelay({
          bus,
          dataSource: this.dataSource,
          pollIntervalMs: this.config.outboxPollMs,
          maxSendAttempts: this.config.outboxMaxSendAttempts,
          retentionMs: this.config.outboxRetentionHours * 3600_000,
          logger: this.logger,
        });
        this.relay.start();
        this.logger.info({ brokers: this.config.kafkaBrokers }, 'outbox relay connected to Kafka');
        return;
      } catch (err) {
        await bus.close().catch(() => undefined);
        this.logger.warn({ err: errorMessage(err) }, `Kafka not reachable; outbox relay retries in ${retryMs} ms`);
        await new Promise((r) => setTimeout(r, retryMs).unref());
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.relay?.stop();
    await this.bus?.close();
  }
}

/**
 * The transactional outbox of a service: contexts inject `Outbox` and publish inside their write
 * transaction; the relay sends committed rows to Kafka. Needs DatabaseModule (with eventTableEntities
 * and eventTableMigrations) and `...outboxSettings(<service>)` in the service's settings.
 */
@Module({})
export class OutboxModule {
  static forRoot(options: OutboxModuleOptions): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      providers: [
        { provide: OUTBOX_MODULE_OPTIONS, useValue: options },
        { provide: Outbox, useValue: new Outbox(options.source) },
        OutboxRelayLifecycle,
      ],
      exports: [Outbox, OutboxRelayLifecycle],
    };
  }
}
