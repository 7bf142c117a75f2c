// Kafka adapter of the records context: one consumer (shared group across replicas) over every
// keel.ingest.<dataset> topic. kafkajs resolves a subscription's topics once, so the consumer looks for
// new ingest topics every KEEL_INGESTION_TOPIC_REFRESH_SECONDS (and when a dataset is created) and
// resubscribes; a topic for a dataset that does not exist is consumed too, its records dead-lettered.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { datasetOfIngestTopic, ingestTopic, isIngestTopic } from '@keel/contracts';
import { CONSUMER_SESSION } from '@keel/event-bus';
import { LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { IngestionSettings } from '../config';
import { KAFKA, TopicAdmin } from '../common/kafka.module';
import { DatasetsService } from '../datasets/datasets.service';
import { RecordsMetrics } from './records.metrics';
import { RecordsService } from './records.service';

// Messages per staging transaction: big enough to amortise the commit, small enough to heartbeat often.
const CHUNK = 2000;

@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  private topics = new Set<string>();
  private timer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<IngestionSettings>,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly admin: TopicAdmin,
    private readonly records: RecordsService,
    private readonly metrics: RecordsMetrics,
    private readonly datasets: DatasetsService,
  ) {
    datasets.onChange(() => this.refresh());
  }

  onApplicationBootstrap(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.config.topicRefreshSeconds * 1000);
    this.timer.unref();
  }

  /** Looks for new ingest topics and resubscribes when there are any (serialised; errors are retried next tick). */
  refresh(): void {
    this.refreshing = this.refreshing
      .then(async () => {
        if (this.stopped) return;
        // Topics of every dataset (created here when the broker was away at CreateDataset), plus any other
        // ingest topic: records for a dataset that does not exist are dead-lettered, not left waiting.
        const existing = new Set(await this.admin.listTopics());
        const datasets = (await this.datasets.listDatasets()).map((d) => ingestTopic(d.name));
        for (const t of datasets) if (!existing.has(t)) await this.admin.ensureIngestTopics(datasetOfIngestTopic(t));
        const topics = [...new Set([...[...existing].filter(isIngestTopic), ...datasets])].sort();
        if (topics.length === 0 || topics.every((t) => this.topics.has(t))) return;
        await this.restart(topics);
      })
      .catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'ingest consumer refresh failed; retrying'),
      );
  }

  private async restart(topics: string[]): Promise<void> {
    await this.consumer?.disconnect();
    const consumer = this.kafka.consumer({
      groupId: this.config.consumerGroup,
      ...CONSUMER_SESSION,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.eachBatch(p),
    });
    this.topics = new Set(topics);
    this.logger.info({ topics: topics.length }, 'ingest consumer subscribed');
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    for (let i = 0; i < batch.messages.length && p.isRunning() && !p.isStale(); i += CHUNK) {
      const chunk = batch.messages.slice(i, i + CHUNK);
      await this.records.handleBatch(batch.topic, batch.partition, chunk);
      const last = chunk[chunk.length - 1]!.offset;
      p.resolveOffset(last);
      this.metrics.lag.set(
        { topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
      );
      await p.heartbeat();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.records.close();
  }
}
