// The event bus (consumers subscribe through @OnEvent) and the transactional outbox whose relay publishes
// the alerts and retraining requests committed with monitoring's own writes.
import { Global, Module } from '@nestjs/common';
import { EventBusModule, OutboxModule, kafkaConnection } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { MonitoringSettings } from '../config';

export const SOURCE = 'keel/monitoring';

@Global()
@Module({
  imports: [
    OutboxModule.forRoot({ source: SOURCE }),
    EventBusModule.forRootAsync({
      inject: [SERVICE_CONFIG, DATA_SOURCE, LOGGER, ServiceMetrics],
      useFactory: (
        config: ConfigOf<MonitoringSettings>,
        dataSource: DataSource,
        logger: Logger,
        m: ServiceMetrics,
      ) => ({
        bus: {
          ...kafkaConnection(config),
          clientId: 'keel-monitoring',
          source: SOURCE,
          logger,
          metrics: m.registry,
        },
        dataSource,
      }),
    }),
  ],
})
export class EventsModule {}
