import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EventBus, Outbox, OutboxRelay } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { REGISTRY_OUTBOX } from '../common/registry-outbox';
import type { RegistrySettings } from '../config';

const SOURCE = 'keel/registry';
const RECONNECT_MS = 2000;

/**
 * Sends committed outbox rows to Kafka. Kafka being down never blocks the registry: writes keep
 * committing their events to the outbox, and the relay connects (and reconnects) in the background.
 */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private bus?: EventBus;
  private relay?: OutboxRelay;
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<RegistrySettings>,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outboxRelay) {
      this.logger.warn('outbox relay is off (KEEL_REGISTRY_OUTBOX_RELAY=false): events stay in the outbox');
      return;
    }
    this.starting = this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    while (!this.stopping) {
      const bus = new EventBus({
        clientId: 'keel-registry',
        brokers: this.config.kafkaBrokers,
        source: SOURCE,
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
          logger: this.logger,
        });
        this.relay.start();
        this.logger.info({ brokers: this.config.kafkaBrokers }, 'outbox relay connected to Kafka');
        return;
      } catch (err) {
        await bus.close().catch(() => undefined);
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          `Kafka not reachable; outbox relay retries in ${RECONNECT_MS} ms`,
        );
        await new Promise((r) => setTimeout(r, RECONNECT_MS).unref());
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.relay?.stop();
    await this.bus?.close();
  }
}

@Global()
@Module({
  providers: [{ provide: REGISTRY_OUTBOX, useValue: new Outbox(SOURCE) }, OutboxRelayLifecycle],
  exports: [REGISTRY_OUTBOX],
})
export class RegistryEventsModule {}
