// Wires the serving pieces: worker pool, registry source, model store, prediction log, the event bus
// (promotions in, prediction log out) and the gRPC and REST adapters.
import { hostname } from 'node:os';
import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventBus, kafkaConnection, remoteSpanContext, type Subscription } from '@keel/event-bus';
import { LOGGER, Readiness, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { ServiceMetrics, type Logger } from '@keel/telemetry';
import type { InferenceSettings } from '../config';
import { PredictionLog } from '../log/prediction-log';
import { ModelStore } from '../models/model-store';
import { RegistrySource } from '../models/registry-source';
import { OipGrpcController } from '../transport/oip.grpc.controller';
import { OipHttpController } from '../transport/oip.http.controller';
import { InferenceMetrics } from './inference-metrics';
import { InferenceService } from './inference.service';
import { candidateAliases, parseRoutes } from './routing';
import { WorkerPool } from './worker-pool';

type Config = ConfigOf<InferenceSettings>;

@Injectable()
class ServingLifecycle implements OnModuleInit, OnApplicationShutdown {
  private stopped = false;
  private subscription: Subscription | undefined;
  private subscribing: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: Readiness,
    private readonly store: ModelStore,
    private readonly pool: WorkerPool,
    private readonly log: PredictionLog,
    private readonly bus: EventBus,
    private readonly registry: RegistrySource,
    private readonly metrics: InferenceMetrics,
  ) {}

  onModuleInit(): void {
    this.readiness.register('models', () =>
      this.store.ready ? Promise.resolve() : Promise.reject(new Error('initial model load not finished')),
    );
    this.subscribing = this.connect().then(() => {
      if (this.stopped) return;
      this.log.start();
      return this.subscribe();
    });
    void this.store.loadInitial(() => this.stopped).then(() => this.readiness.refresh());
    const tick = setInterval(() => {
      this.metrics.loaded.set(this.store.loadedCount());
    }, 1000);
    tick.unref();
  }

  /** Waits out a broker outage; serving does not depend on it (log entries queue, bounded, meanwhile). */
  private async connect(): Promise<void> {
    for (let delay = 200; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.bus.connect();
        return;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'Kafka not reachable yet; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  /** Every instance hears every promotion: its own consumer group, starting from now. */
  private async subscribe(): Promise<void> {
    for (let delay = 200; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        this.subscription = await this.bus.subscribe(
          'keel.model.promoted',
          async (event) => {
            const e = event.data;
            const routed = candidateAliases(parseRoutes(this.config.canary, this.config.shadow));
            if ((e.alias !== this.config.alias && !routed.has(e.alias)) || e.format !== 'onnx') return;
            this.logger.info({ model: e.model, alias: e.alias, to: e.toVersion }, 'promotion received');
            await this.store
              .promote(e.model, e.toVersion, undefined, e.alias, remoteSpanContext(event.headers))
              .catch((err: Error) =>
                this.logger.warn({ model: e.model, err: err.message }, 'promoted version failed to load'),
              );
          },
          { group: `keel-inference-${hostname()}-${process.pid}-${Date.now()}`, fromBeginning: false },
        );
        return;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'cannot subscribe to promotions yet; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscribing;
    await this.subscription?.close().catch(() => undefined);
    await this.log.stop();
    await this.bus.close().catch(() => undefined);
    await this.pool.close();
    this.registry.close();
  }
}

@Module({
  controllers: [OipHttpController],
  providers: [
    {
      provide: WorkerPool,
      inject: [SERVICE_CONFIG],
      useFactory: (c: Config) => new WorkerPool(c.workers),
    },
    {
      provide: RegistrySource,
      inject: [SERVICE_CONFIG],
      useFactory: (c: Config) => new RegistrySource(c.registryAddress ?? `127.0.0.1:${c.registryGrpcPort}`),
    },
    { provide: InferenceMetrics, inject: [ServiceMetrics], useFactory: (m: ServiceMetrics) => new InferenceMetrics(m) },
    {
      provide: ModelStore,
      inject: [SERVICE_CONFIG, RegistrySource, WorkerPool, LOGGER, InferenceMetrics],
      useFactory: (c: Config, registry: RegistrySource, pool: WorkerPool, logger: Logger, m: InferenceMetrics) =>
        new ModelStore(
          registry,
          pool,
          c.alias,
          {
            maxBatchSize: c.maxBatchSize,
            maxQueueDelayUs: c.maxQueueDelayUs,
            preferredBatchSizes: c.preferredBatchSizes.filter((s) => s !== 'none').map(Number),
            maxQueueRows: c.maxQueueRows,
          },
          logger,
          (model, version, s) => {
            const labels = { model, version: String(version) };
            m.execCount.inc(labels);
            m.batchSize.observe(labels, s.rows);
            m.computeUs.inc(labels, s.computeNs / 1000);
          },
          c.memoryBudgetMb * 1024 * 1024,
        ),
    },
    {
      provide: EventBus,
      inject: [SERVICE_CONFIG, LOGGER, ServiceMetrics],
      useFactory: (c: Config, logger: Logger, m: ServiceMetrics) =>
        new EventBus({
          ...kafkaConnection(c),
          clientId: 'keel-inference',
          source: 'keel/inference',
          logger,
          metrics: m.registry,
        }),
    },
    {
      provide: PredictionLog,
      inject: [SERVICE_CONFIG, EventBus, InferenceMetrics, LOGGER],
      useFactory: (c: Config, bus: EventBus, m: InferenceMetrics, logger: Logger) =>
        new PredictionLog(bus, {
          capacity: c.logQueueSize,
          sample: Number(c.logSample),
          lingerMs: c.logLingerMs,
          onDrop: () => m.logDropped.inc(),
          onDepth: (queued) => m.logQueued.set(queued),
          onError: (err) => logger.warn({ err: err.message }, 'prediction log cannot reach Kafka'),
        }),
    },
    {
      provide: InferenceService,
      inject: [SERVICE_CONFIG, ModelStore, InferenceMetrics, PredictionLog],
      useFactory: (c: Config, store: ModelStore, m: InferenceMetrics, log: PredictionLog) =>
        new InferenceService(store, m, log, c.queueTimeoutMs, parseRoutes(c.canary, c.shadow)),
    },
    ServingLifecycle,
    OipGrpcController,
  ],
})
export class ServingModule {}
