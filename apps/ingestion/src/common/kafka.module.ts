// One kafkajs client for the service (the ingest consumer, its dead-letter producer and topic admin),
// connected with the KEEL_KAFKA_* settings every service shares.
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { deadLetterTopic, ingestTopic } from '@keel/contracts';
import { kafkaConnection } from '@keel/event-bus';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { IngestionSettings } from '../config';

export const KAFKA = Symbol('KAFKA');

/** Creates keel.ingest.<dataset> and its .dlq when a dataset is created (existing topics are kept). */
@Injectable()
export class TopicAdmin implements OnApplicationShutdown {
  private admin?: Promise<Admin>;
  private readonly partitions: number;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ConfigOf<IngestionSettings>,
  ) {
    this.partitions = config.kafkaTopicPartitions;
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async ensureIngestTopics(dataset: string): Promise<void> {
    const admin = await this.connected();
    const wanted = [ingestTopic(dataset), deadLetterTopic(ingestTopic(dataset))];
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length)
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: this.partitions })),
      });
  }

  async listTopics(): Promise<string[]> {
    return (await this.connected()).listTopics();
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: KAFKA,
      inject: [SERVICE_CONFIG],
      useFactory: (c: ConfigOf<IngestionSettings>) => {
        const { brokers, ssl, sasl } = kafkaConnection(c);
        return new Kafka({
          clientId: 'keel-ingestion',
          brokers,
          ssl,
          sasl,
          logLevel: logLevel.NOTHING,
          retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
        });
      },
    },
    TopicAdmin,
  ],
  exports: [KAFKA, TopicAdmin],
})
export class KafkaModule {}
