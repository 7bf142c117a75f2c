// The staging worker's work on its own SQLite connection (better-sqlite3, synchronous): validate a chunk's
// records, then stage the accepted ones, advance the partition's offset mark and count, in ONE
// transaction taken with BEGIN IMMEDIATE. The same statements as StagingRepository (common/staging-sql.ts).
import type { Database, Statement } from 'better-sqlite3';
import { scanAcceptedIn, UNSURE, validateRecordBytes, type DatasetSchema } from '@keel/datasets';
import {
  ADD_COUNTS_SQL,
  INSERT_CHUNK_SQL,
  INSERT_MARK_SQL,
  INSERT_TRACE_SQL,
  SELECT_MARK_SQL,
  UPDATE_MARK_SQL,
} from '../common/staging-sql';
import type { ChunkJob, ChunkRejection, StagedReply } from './stage-protocol';

export interface StagingSchema {
  schema: DatasetSchema;
  version: number;
  columnsJson: string;
}

/** A validated chunk waiting for its transaction (after its rejects were dead-lettered, when it had any). */
export interface PreparedChunk {
  job: ChunkJob;
  /** The mark read when validating: the transaction checks it did not move. */
  mark: bigint | null;
  /** Messages before this index were handled by an earlier delivery. */
  from: number;
  /** Indexes of the accepted messages, in order. */
  accepted: Int32Array;
  /** Where each message's value starts in `job.values` (one more entry: the end of the last). */
  starts: Int32Array;
  acceptedCount: number;
  rejects: ChunkRejection[];
  unknownFields: number;
}

export class StageFailure extends Error {
  override readonly name = 'StageFailure';
  constructor(
    readonly code: 'gap' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

export class ChunkStager {
  private readonly selectMark: Statement;
  private readonly insertMark: Statement;
  private readonly updateMark: Statement;
  private readonly insertChunk: Statement;
  private readonly insertTrace: Statement;
  private readonly addCounts: Statement;

  constructor(private readonly db: Database) {
    this.selectMark = db.prepare(SELECT_MARK_SQL);
    this.insertMark = db.prepare(INSERT_MARK_SQL);
    this.updateMark = db.prepare(UPDATE_MARK_SQL);
    this.insertChunk = db.prepare(INSERT_CHUNK_SQL);
    this.insertTrace = db.prepare(INSERT_TRACE_SQL);
    this.addCounts = db.prepare(ADD_COUNTS_SQL);
  }

  /**
   * Validates the chunk's records that are not below the partition's mark. Refuses a chunk whose previous
   * chunk (`expect`) was not staged: staging it would move the mark over records that were never staged.
   */
  prepare(job: ChunkJob, staging: StagingSchema): PreparedChunk {
    const mark = this.mark(job);
    if (job.expect !== null && (mark === null || mark < BigInt(job.expect)))
      throw new StageFailure(
        'gap',
        `the chunk before offset ${job.firstOffset} of ${job.topic}/${job.partition} was not staged`,
      );
    const n = job.lengths.length;
    let from = 0;
    if (mark !== null && mark > BigInt(job.firstOffset)) {
      const below = mark - BigInt(job.firstOffset);
      while (from < n && BigInt(job.deltas[from]!) < below) from++;
    }
    const bytes = Buffer.from(job.values.buffer, job.values.byteOffset, job.values.byteLength);
    const accepted = new Int32Array(n - from);
    let acceptedCount = 0;
    let unknownFields = 0;
    const rejects: ChunkRejection[] = [];
    const starts = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) starts[i + 1] = starts[i]! + Math.max(0, job.lengths[i]!);
    for (let i = from; i < n; i++) {
      const length = job.lengths[i]!;
      const start = starts[i]!;
      const end = starts[i + 1]!;
      const known = length >= 0 && length <= job.maxBytes ? scanAcceptedIn(staging.schema, bytes, start, end) : UNSURE;
      if (known !== UNSURE) {
        accepted[acceptedCount++] = i;
        unknownFields += known;
      } else {
        const outcome = validateRecordBytes(
          staging.schema,
          length < 0 ? null : bytes.subarray(start, end),
          job.maxBytes,
        );
        if (outcome.ok) {
          accepted[acceptedCount++] = i;
          unknownFields += outcome.unknownFields;
        } else rejects.push({ index: i, reason: outcome.reason, field: outcome.field, message: outcome.message });
      }
    }
    return { job, mark, from, accepted, starts, acceptedCount, rejects, unknownFields };
  }

  /** The staging transaction of a prepared chunk (its rejects, if any, are dead-lettered by now). */
  commit(prepared: PreparedChunk, staging: StagingSchema): Omit<StagedReply, 'type' | 'seq'> {
    const { job, from, acceptedCount } = prepared;
    const n = job.lengths.length;
    const skipped = from;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const mark = this.mark(job);
      // Another member handled this range after a rebalance: the chunk fails and is delivered again.
      if (mark !== prepared.mark)
        throw new StageFailure('conflict', `offset mark of ${job.topic}/${job.partition} moved`);
      if (from < n) {
        const next = (BigInt(job.firstOffset) + BigInt(job.deltas[n - 1]!) + 1n).toString();
        if (acceptedCount > 0) {
          if (job.traceparent) this.insertTrace.run(job.dataset, job.traceparent, job.receivedAt);
          const last = prepared.accepted[acceptedCount - 1]!;
          this.insertChunk.run(
            job.dataset,
            staging.version,
            staging.columnsJson,
            acceptedCount,
            this.joined(prepared),
            job.partition,
            (BigInt(job.firstOffset) + BigInt(job.deltas[last]!)).toString(),
            job.receivedAt,
          );
        }
        if (mark === null) this.insertMark.run(job.group, job.topic, job.partition, next);
        else this.updateMark.run(next, job.group, job.topic, job.partition);
        this.addCounts.run(acceptedCount, prepared.rejects.length, 0, job.dataset);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
    return {
      staged: from < n ? acceptedCount : 0,
      rejected: prepared.rejects.length,
      unknownFields: prepared.unknownFields,
      skipped,
    };
  }

  private mark(job: ChunkJob): bigint | null {
    const row = this.selectMark.get(job.group, job.topic, job.partition) as
      { next_offset: number | bigint | string } | undefined;
    return row ? BigInt(row.next_offset) : null;
  }

  /** The accepted records' original bytes as one JSON array (what ingest_staged_chunks stores). */
  private joined({ job, accepted, starts, acceptedCount }: PreparedChunk): Buffer {
    const bytes = Buffer.from(job.values.buffer, job.values.byteOffset, job.values.byteLength);
    let size = 1 + acceptedCount;
    for (let k = 0; k < acceptedCount; k++) size += starts[accepted[k]! + 1]! - starts[accepted[k]!]!;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (let k = 0; k < acceptedCount; k++) {
      const i = accepted[k]!;
      out[at++] = k === 0 ? OPEN : COMMA;
      at += bytes.copy(out, at, starts[i]!, starts[i + 1]!);
    }
    out[at] = CLOSE;
    return out;
  }
}
