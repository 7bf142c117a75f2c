// One chunk of one ingest partition: validate every record against its dataset's schema, dead-letter the
// rejects (original bytes and headers plus keel_reason/keel_field/source coordinates), then stage the
// accepted rows and advance the partition's offset mark in one transaction: a crash at any point loses
// and duplicates nothing (a mark at or past a message's offset means it was handled). On SQLite the
// validation and the transaction of a dataset that does not dedupe run on the staging worker thread
// (stage-thread.ts), so the event loop goes on decoding the next fetch meanwhile; everything else runs
// here, in the same order per partition (chunk-order.ts).
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
import type { ChunkTurn } from './chunk-order';
import { StageThread, StageThreadError } from './stage-thread';
import type { Dataset } from '../datasets/datasets.commands';
import { DatasetsService } from '../datasets/datasets.service';
import { RecordsMetrics } from './records.metrics';
import { CHECKPOINT_BYTES, StagingRepository, type StagedInsert } from './staging.repository';

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

/** The previous chunk of the partition was not staged: this one must not move the mark over it. */
export class ChunkGapError extends Error {
  override readonly name = 'ChunkGapError';
}

/** A chunk on its own (tests, tools): no predecessor in flight. */
const ALONE: ChunkTurn = {
  expect: null,
  previousPosted: Promise.resolve(),
  previousDone: Promise.resolve(),
  posted: () => undefined,
};

@Injectable()
export class RecordsService {
  private producer?: Promise<Producer>;
  private readonly schemas = new Map<string, { at: number; dataset: Promise<Dataset | null> }>();
  private readonly listeners = new Set<(dataset: string, accepted: number) => void>();
  private readonly group: string;
  private readonly maxBytes: number;
  /** SQLite with KEEL_INGESTION_STAGING_WORKER: the staging worker; otherwise everything runs here. */
  private readonly thread?: StageThread;

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
    const options = staging.dataSource.options;
    if (config.stagingWorker && options.type === 'better-sqlite3')
      this.thread = new StageThread({
        file: options.database,
        busyTimeoutMs: options.timeout ?? 10_000,
        checkpointBytes: CHECKPOINT_BYTES,
      });
  }

  /** Called after each committed batch with the number of rows staged (the snapshot trigger listens). */
  onStaged(listener: (dataset: string, accepted: number) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Handles one chunk of one partition (offsets rising). `turn` orders it after the partition's chunk
   * before it when several are in flight; resolves when the chunk is staged (or dead-lettered).
   */
  async handleBatch(topic: string, partition: number, messages: IngestMessage[], turn = ALONE): Promise<void> {
    if (messages.length === 0) {
      turn.posted();
      return;
    }
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
        const accepted = await this.process(name, topic, partition, messages, turn);
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

  private async process(
    name: string,
    topic: string,
    partition: number,
    messages: IngestMessage[],
    turn: ChunkTurn,
  ): Promise<number> {
    await turn.previousPosted;
    const dataset = await this.dataset(name);
    if (this.thread && dataset && !dataset.dedupe)
      return this.processOnWorker(this.thread, dataset, topic, partition, messages, turn);
    await turn.previousDone;
    const mark = await this.staging.nextOffset(this.group, topic, partition);
    if (turn.expect !== null && (mark === null || mark < turn.expect))
      throw new ChunkGapError(`the chunk before offset ${messages[0]!.offset} of ${topic}/${partition} was not staged`);
    // Offsets rise within a batch: only a batch that starts below the mark (a redelivery) needs filtering.
    const fresh =
      mark === null || BigInt(messages[0]!.offset) >= mark
        ? messages
        : messages.filter((m) => BigInt(m.offset) >= mark);
    if (fresh.length === 0) return 0;
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
    this.counted(
      name,
      rows.length,
      unknownFields,
      rejects.map((r) => r.rejection.reason),
    );
    return rows.length;
  }

  /** The worker validates and stages; rejects come back to be dead-lettered before the transaction. */
  private async processOnWorker(
    thread: StageThread,
    dataset: Dataset,
    topic: string,
    partition: number,
    messages: IngestMessage[],
    turn: ChunkTurn,
  ): Promise<number> {
    const reasons: string[] = [];
    const staged = thread.stage(
      {
        schema: dataset.schema,
        schemaVersion: dataset.schemaVersion,
        columnsJson: this.staging.columnsJson(dataset.schema.columns),
        dataset: dataset.name,
        group: this.group,
        topic,
        partition,
        expect: turn.expect,
        messages,
        maxBytes: this.maxBytes,
        traceparent: traceparentOf() ?? null,
      },
      async (rejects) => {
        await this.deadLetter(
          topic,
          partition,
          rejects.map((r) => ({ message: messages[r.index]!, rejection: { ok: false, ...r } })),
        );
        for (const r of rejects) reasons.push(r.reason);
      },
    );
    turn.posted();
    let result;
    try {
      result = await staged;
    } catch (err) {
      if (err instanceof StageThreadError && err.code === 'gap') throw new ChunkGapError(err.message);
      if (err instanceof StageThreadError && err.code === 'conflict') throw new OffsetConflictError(err.message);
      throw err;
    }
    this.counted(dataset.name, result.staged, result.unknownFields, reasons);
    return result.staged;
  }

  private counted(name: string, accepted: number, unknownFields: number, rejected: readonly string[]): void {
    if (accepted) this.metrics.accepted.inc({ dataset: name }, accepted);
    if (unknownFields) this.metrics.unknownFields.inc({ dataset: name }, unknownFields);
    for (const reason of rejected) this.metrics.rejected.inc({ dataset: name, reason });
    if (accepted) for (const l of this.listeners) l(name, accepted);
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
    await this.thread?.close();
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
