// Kafka adapter of the records context: one consumer (shared group across replicas) over every
// keel.ingest.<dataset> topic. kafkajs resolves a subscription's topics once, so the consumer looks for
// new ingest topics every KEEL_INGESTION_TOPIC_REFRESH_SECONDS (and when a dataset is created) and
// resubscribes; a topic for a dataset that does not exist is consumed too, its records dead-lettered.
//
// Fetching runs ahead of staging: kafkajs fetches again only when eachBatch returns, so eachBatch hands
// its chunks on (at most KEEL_INGESTION_MAX_CHUNKS_IN_FLIGHT pending) and returns, resolving their
// offsets in kafkajs's memory only. The database's offset marks are what was handled: Kafka's committed
// offsets follow them (committed here once a chunk's transaction committed, never before), and a
// redelivered record below a mark is skipped. A chunk that fails restarts the consumer, which resumes
// from the committed offsets.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { datasetOfIngestTopic, ingestTopic, isIngestTopic } from '@keel/contracts';
import { CONSUMER_SESSION } from '@keel/event-bus';
import { LOGGER, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { IngestionSettings } from '../config';
import { KAFKA, TopicAdmin } from '../common/kafka.module';
import { DatasetsService } from '../datasets/datasets.service';
import { PartitionOrder } from './chunk-order';
import { RecordsMetrics } from './records.metrics';
import { RecordsService } from './records.service';

// Messages per staging transaction: big enough to amortise the commit, small enough to heartbeat often.
const CHUNK = 2000;
const COMMIT_INTERVAL_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  private topics = new Set<string>();
  private timer?: NodeJS.Timeout;
  private commitTimer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Per topic-partition of the current consumer: the order of its chunks in flight. */
  private orders = new Map<string, PartitionOrder>();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Offsets staged and not yet committed to Kafka, by topic-partition. */
  private readonly staged = new Map<string, { topic: string; partition: number; offset: string }>();
  private failed = false;
  private failures = 0;
  private cancelBackoff?: () => void;

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
    this.commitTimer = setInterval(() => void this.commitStaged(), COMMIT_INTERVAL_MS);
    this.commitTimer.unref();
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
    await this.commitStaged();
    await this.consumer?.disconnect();
    // The old consumer's chunks finish first: the new one starts each partition's order afresh.
    await this.drained();
    this.orders = new Map();
    this.failed = false;
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
      // Committed here, after the staging transactions (commitStaged), never ahead of them.
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.eachBatch(p),
    });
    this.topics = new Set(topics);
    this.logger.info({ topics: topics.length }, 'ingest consumer subscribed');
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const key = `${batch.topic}\u0000${batch.partition}`;
    for (let i = 0; i < batch.messages.length; i += CHUNK) {
      while (this.inFlight >= this.config.maxChunksInFlight && !this.failed && !this.stopped) await this.slot();
      if (this.failed || this.stopped || !p.isRunning() || p.isStale()) return;
      const chunk = batch.messages.slice(i, i + CHUNK);
      const last = chunk[chunk.length - 1]!.offset;
      const nextOffset = BigInt(last) + 1n;
      const next = nextOffset.toString();
      let order = this.orders.get(key);
      if (!order) this.orders.set(key, (order = new PartitionOrder()));
      const turn = order.turn(nextOffset);
      this.inFlight++;
      const done = this.records.handleBatch(batch.topic, batch.partition, chunk, turn);
      order.finished(turn, done);
      done
        .then(
          () => {
            this.failures = 0;
            this.staged.set(key, { topic: batch.topic, partition: batch.partition, offset: next });
            this.metrics.lag.set(
              { topic: batch.topic, partition: String(batch.partition) },
              Math.max(0, Number(batch.highWatermark) - Number(next)),
            );
          },
          (err: unknown) => this.chunkFailed(batch.topic, batch.partition, err),
        )
        .finally(() => {
          this.inFlight--;
          this.wakeAll();
        });
      // kafkajs fetches from its resolved offsets: the next fetch starts after this chunk.
      p.resolveOffset(last);
      await p.heartbeat();
    }
  }

  /** Resolves at the next change: a chunk finished, a failure, the shutdown (callers re-check). */
  private slot(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private wakeAll(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Stops fetching (a failed chunk waits for the restart; the shutdown for the chunks in flight). */
  private pauseAll(): void {
    try {
      this.consumer?.pause([...this.topics].map((topic) => ({ topic })));
    } catch {
      // Not running (yet): nothing is being fetched.
    }
  }

  /** Waits until every chunk handed on is staged or failed. */
  private async drained(): Promise<void> {
    while (this.inFlight > 0) await this.slot();
  }

  /** Commits to Kafka the offsets whose staging transactions committed (the database marks lead). */
  private async commitStaged(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer || this.staged.size === 0) return;
    const offsets = [...this.staged.values()];
    this.staged.clear();
    await consumer.commitOffsets(offsets).catch((err: unknown) => {
      // A rebalance or an outage: the marks still hold; the next owner skips what is below them.
      this.logger.debug({ err: (err as Error).message }, 'ingest offset commit failed');
    });
  }

  /**
   * A chunk could not be staged (a database or dead-letter failure, or a mark another member moved): the
   * chunks after it on its partition are refused too, and the consumer restarts from the committed offsets.
   */
  private chunkFailed(topic: string, partition: number, err: unknown): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    this.pauseAll();
    this.wakeAll();
    this.logger.warn({ err: (err as Error).message, topic, partition }, 'ingest chunk failed; restarting the consumer');
    this.scheduleRestart();
  }

  /** Restarts the consumer after a backoff; a restart that fails (the broker away) is tried again. */
  private scheduleRestart(): void {
    const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.failures++);
    this.refreshing = this.refreshing
      .then(() => this.backoff(delay))
      .then(() => (this.stopped ? undefined : this.restart([...this.topics])))
      .catch((e: unknown) => {
        this.logger.warn({ err: (e as Error).message }, 'ingest consumer restart failed; retrying');
        if (!this.stopped) this.scheduleRestart();
      });
  }

  /** Waits `ms` before a restart; the shutdown cuts it short. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelBackoff = done;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.cancelBackoff?.();
    clearInterval(this.timer);
    clearInterval(this.commitTimer);
    this.pauseAll();
    this.wakeAll();
    await this.refreshing;
    await this.drained();
    await this.commitStaged();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.records.close();
  }
}
