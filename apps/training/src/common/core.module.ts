// The ports every context shares: the registry client, the worker pool, the event bus and the outbox.
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventBusModule, OutboxModule, kafkaConnection } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { poolSize, type TrainingSettings } from '../config';
import { RegistryGateway } from '../registry/registry-gateway';
import { WorkerPool } from '../worker/worker-pool';
import { REGISTRY, WORKER_POOL } from './tokens';

export const SOURCE = 'keel/training';

@Injectable()
class RegistryLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REGISTRY) private readonly registry: RegistryGateway) {}
  onApplicationShutdown(): void {
    this.registry.close();
  }
}

@Global()
@Module({
  imports: [
    OutboxModule.forRoot({ source: SOURCE }),
    EventBusModule.forRootAsync({
      inject: [SERVICE_CONFIG, DATA_SOURCE, LOGGER, ServiceMetrics],
      useFactory: (config: ConfigOf<TrainingSettings>, dataSource: DataSource, logger: Logger, m: ServiceMetrics) => ({
        bus: { ...kafkaConnection(config), clientId: 'keel-training', source: SOURCE, logger, metrics: m.registry },
        dataSource,
      }),
    }),
  ],
  providers: [
    {
      provide: REGISTRY,
      inject: [SERVICE_CONFIG],
      useFactory: (c: ConfigOf<TrainingSettings>) =>
        new RegistryGateway(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
    },
    {
      provide: WORKER_POOL,
      inject: [SERVICE_CONFIG],
      useFactory: (c: ConfigOf<TrainingSettings>) => new WorkerPool(poolSize(c.workers), c.workerNice),
    },
    RegistryLifecycle,
  ],
  exports: [REGISTRY, WORKER_POOL],
})
export class CoreModule {}
