// The event bus (consumers subscribe through @OnEvent) and the outbox relay that publishes the alerts and
// retraining requests committed with monitoring's own writes.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EventBus, EventBusModule, OutboxRelay } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { MonitoringSettings } from '../config';

export const SOURCE = 'keel/monitoring';

@Injectable()
export class RelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay?: OutboxRelay;

  constructor(
    private readonly bus: EventBus,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<MonitoringSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // EventBusModule is imported below, so Nest has run its bootstrap hook (connect) before this one.
  onApplicationBootstrap(): void {
    this.relay = new OutboxRelay({
      bus: this.bus,
      dataSource: this.dataSource,
      pollIntervalMs: this.config.outboxPollMs,
      logger: this.logger,
    });
    this.relay.start();
  }

  /** Sends what a transaction just committed without waiting for the next poll. */
  wake(): void {
    this.relay?.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

@Global()
@Module({
  imports: [
    EventBusModule.forRootAsync({
      inject: [SERVICE_CONFIG, DATA_SOURCE, LOGGER, ServiceMetrics],
      useFactory: (
        config: ConfigOf<MonitoringSettings>,
        dataSource: DataSource,
        logger: Logger,
        m: ServiceMetrics,
      ) => ({
        bus: {
          clientId: 'keel-monitoring',
          brokers: config.kafkaBrokers,
          source: SOURCE,
          logger,
          metrics: m.registry,
        },
        dataSource,
      }),
    }),
  ],
  providers: [RelayLifecycle],
  exports: [RelayLifecycle],
})
export class EventsModule {}
