// One batch of one ingest partition: validate every record against its dataset's schema, dead-letter the
// rejects (original bytes and headers plus keel_reason/keel_field/source coordinates), then stage the
// accepted rows and advance the partition's offset mark in one transaction: a crash at any point loses
// and duplicates nothing (a mark at or past a message's offset means it was handled).
import { Inject, Injectable } from '@nestjs/common';
import { datasetOfIngestTopic, deadLetterTopic } from '@keel/contracts';
import { scanAccepted, UNSURE, validateRecordBytes, type CellValue, type Rejection } from '@keel/datasets';
import { DLQ_HEADERS, remoteSpanContext } from '@keel/event-bus';
import { writeTransaction } from '@keel/persistence';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { traceparentOf, withSpan } from '@keel/telemetry';
import { SpanKind, type Link } from '@opentelemetry/api';
import type { Kafka, Producer, IHeaders } from 'kafkajs';
import type { IngestionSettings } from '../config';
import { KAFKA } from '../common/kafka.module';
import type { Dataset } from '../datasets/datasets.commands';
import { DatasetsService } from '../datasets/datasets.service';
import { RecordsMetrics } from './records.metrics';
import { StagingRepository, type StagedInsert } from './staging.repository';

export interface IngestMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  offset: string;
}

/** Headers a dead-lettered ingest record gets on top of its own. */
export const INGEST_DLQ_HEADERS = {
  reason: 'keel_reason',
  field: 'keel_field',
  message: 'keel_error_message',
} as const;

const MAX_LINKS = 32;
const SCHEMA_TTL_MS = 5000;

export class OffsetConflictError extends Error {
  override readonly name = 'OffsetConflictError';
}

@Injectable()
export class RecordsService {
  private producer?: Promise<Producer>;
  private readonly schemas = new Map<string, { at: number; dataset: Promise<Dataset | null> }>();
  private readonly listeners = new Set<(dataset: string, accepted: number) => void>();
  private readonly group: string;
  private readonly maxBytes: number;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ConfigOf<IngestionSettings>,
    private readonly datasets: DatasetsService,
    private readonly staging: StagingRepository,
    private readonly metrics: RecordsMetrics,
  ) {
    this.group = config.consumerGroup;
    this.maxBytes = config.maxRecordBytes;
    datasets.onChange((name) => this.schemas.delete(name));
  }

  /** Called after each committed batch with the number of rows staged (the snapshot trigger listens). */
  onStaged(listener: (dataset: string, accepted: number) => void): void {
    this.listeners.add(listener);
  }

  async handleBatch(topic: string, partition: number, messages: IngestMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const name = datasetOfIngestTopic(topic);
    const links: Link[] = [];
    for (const m of messages) {
      if (links.length >= MAX_LINKS) break;
      const ctx = m.headers?.['traceparent']
        ? remoteSpanContext({ traceparent: String(m.headers['traceparent']) })
        : undefined;
      if (ctx) links.push({ context: ctx });
    }
    await withSpan(
      `ingest ${topic}`,
      async (span) => {
        const accepted = await this.process(name, topic, partition, messages);
        span.setAttribute('keel.ingest.accepted', accepted);
      },
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.batch.message_count': messages.length,
        },
      },
    );
  }

  private async process(name: string, topic: string, partition: number, messages: IngestMessage[]): Promise<number> {
    const mark = await this.staging.nextOffset(this.group, topic, partition);
    // Offsets rise within a batch: only a batch that starts below the mark (a redelivery) needs filtering.
    const fresh =
      mark === null || BigInt(messages[0]!.offset) >= mark
        ? messages
        : messages.filter((m) => BigInt(m.offset) >= mark);
    if (fresh.length === 0) return 0;
    const dataset = await this.dataset(name);
    const keyOf = dataset?.dedupe ? dedupeKey(dataset) : null;
    let rows: StagedInsert[] = [];
    const rejects: { message: IngestMessage; rejection: Rejection }[] = [];
    let unknownFields = 0;
    for (const m of fresh) {
      if (!dataset) {
        rejects.push({ message: m, rejection: unknownDataset(name) });
        continue;
      }
      // The byte scan decides most records without building them; the typed row is needed only to dedupe.
      const known =
        keyOf === null && m.value !== null && m.value.length <= this.maxBytes
          ? scanAccepted(dataset.schema, m.value)
          : UNSURE;
      if (known !== UNSURE) {
        rows.push({ row: null, value: m.value!, partition, offset: m.offset });
        unknownFields += known;
        continue;
      }
      const outcome = validateRecordBytes(dataset.schema, m.value, this.maxBytes);
      if (outcome.ok) {
        rows.push({ row: outcome.row, value: m.value!, partition, offset: m.offset });
        unknownFields += outcome.unknownFields;
      } else rejects.push({ message: m, rejection: outcome });
    }
    if (rejects.length) await this.deadLetter(topic, partition, rejects);
    const next = BigInt(fresh[fresh.length - 1]!.offset) + 1n;
    let staged = rows;
    await writeTransaction(this.staging.dataSource, async (manager) => {
      const current = await this.staging.nextOffset(this.group, topic, partition, manager, true);
      // Another member handled this range after a rebalance: drop ours, the batch is redelivered.
      if (current !== mark) throw new OffsetConflictError(`offset mark of ${topic}/${partition} moved`);
      staged = rows.length && dataset && keyOf ? await this.staging.firstSeen(manager, name, rows, keyOf) : rows;
      // The batch's span waits with its rows: the snapshot that takes them links to it.
      const traceparent = staged.length && dataset ? traceparentOf() : null;
      if (traceparent) await this.staging.stageTrace(manager, name, traceparent, Date.now());
      if (staged.length && dataset)
        await this.staging.stage(
          manager,
          name,
          { version: dataset.schemaVersion, columns: dataset.schema.columns },
          staged,
          Date.now(),
        );
      await this.staging.setNextOffset(manager, this.group, topic, partition, mark, next);
      if (dataset)
        await this.datasets.addCounts(manager, name, staged.length, rejects.length, rows.length - staged.length);
    });
    const duplicates = rows.length - staged.length;
    if (duplicates) this.metrics.duplicates.inc({ dataset: name }, duplicates);
    rows = staged;
    if (rows.length) this.metrics.accepted.inc({ dataset: name }, rows.length);
    if (unknownFields) this.metrics.unknownFields.inc({ dataset: name }, unknownFields);
    for (const r of rejects) this.metrics.rejected.inc({ dataset: name, reason: r.rejection.reason });
    if (rows.length) for (const l of this.listeners) l(name, rows.length);
    return rows.length;
  }

  private async deadLetter(
    topic: string,
    partition: number,
    rejects: { message: IngestMessage; rejection: Rejection }[],
  ): Promise<void> {
    const producer = await this.connectedProducer();
    const failedAt = new Date().toISOString();
    await producer.send({
      topic: deadLetterTopic(topic),
      messages: rejects.map(({ message, rejection }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers ?? {}),
          [INGEST_DLQ_HEADERS.reason]: rejection.reason,
          [INGEST_DLQ_HEADERS.field]: rejection.field,
          [INGEST_DLQ_HEADERS.message]: rejection.message.slice(0, 2048),
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: message.offset,
          [DLQ_HEADERS.failedAt]: failedAt,
          [DLQ_HEADERS.group]: this.group,
        },
      })),
    });
  }

  /**
   * Span contexts of the latest accepted batches of a dataset (at most MAX_LINKS, this process only): the
   * snapshot span links to them, so a trace backend walks from a dataset version back to the arrivals.
   */
  private dataset(name: string): Promise<Dataset | null> {
    const cached = this.schemas.get(name);
    if (cached && Date.now() - cached.at < SCHEMA_TTL_MS) return cached.dataset;
    const dataset = this.datasets.findDataset(name);
    this.schemas.set(name, { at: Date.now(), dataset });
    dataset.catch(() => this.schemas.delete(name));
    return dataset;
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.kafka.producer({ allowAutoTopicCreation: true });
      await p.connect();
      return p;
    })();
    this.producer.catch(() => (this.producer = undefined));
    return this.producer;
  }

  async close(): Promise<void> {
    const p = await this.producer?.catch(() => undefined);
    await p?.disconnect();
  }
}

const unknownDataset = (name: string): Rejection => ({
  ok: false,
  reason: 'unknown_dataset',
  field: '',
  message: `dataset "${name}" does not exist`,
});

/** (entity key, event time) of a validated row as text, or null when either is missing (never deduped). */
function dedupeKey(dataset: Dataset): ((row: CellValue[] | null) => [string, string] | null) | null {
  const cols = dataset.schema.columns.map((c) => c.name);
  const k = cols.indexOf(dataset.schema.entityKey ?? '');
  const t = cols.indexOf(dataset.schema.eventTime ?? '');
  if (k < 0 || t < 0) return null;
  return (row) => {
    // process() builds the typed row of every record of a deduped dataset.
    if (!row) throw new Error('a deduped dataset needs the validated rows');
    const key = row[k];
    const time = row[t];
    return key === null || key === undefined || time === null || time === undefined
      ? null
      : [String(key), String(time)];
  };
}
