// Messages between RecordsService (event loop) and the staging worker thread (stage-worker.ts), which
// validates a chunk's records and commits the staging transaction on its own SQLite connection.
import type { DatasetSchema, RejectReason } from '@keel/datasets';

/** A dataset schema the worker keeps under `id` (sent once per schema object, before its first chunk). */
export interface SchemaMessage {
  type: 'schema';
  id: number;
  schema: DatasetSchema;
  /** The schema version and its columns as JSON, stored with each staged chunk. */
  version: number;
  columnsJson: string;
}

/** One chunk of one partition: the message values back to back in `values`. */
export interface ChunkJob {
  type: 'chunk';
  seq: number;
  schemaId: number;
  dataset: string;
  group: string;
  topic: string;
  partition: number;
  /** The offset mark the partition's previous chunk leaves (decimal); null for its first chunk since the consumer started. */
  expect: string | null;
  /** Offset of the first message (decimal); the others are `firstOffset + deltas[i]`. */
  firstOffset: string;
  deltas: Float64Array;
  /** Byte length of each message value; -1 for a null value (a tombstone). */
  lengths: Int32Array;
  values: Uint8Array;
  maxBytes: number;
  /** The consumer span's context, staged with the rows (the snapshot span links to it). */
  traceparent: string | null;
  receivedAt: number;
}

/** After `rejects`: dead-lettered, stage the rest (`commit`), or not (`abort`: the chunk fails). */
export interface Decision {
  type: 'commit' | 'abort';
  seq: number;
}

export type ToWorker = SchemaMessage | ChunkJob | Decision;

export interface ChunkRejection {
  /** Position of the message in the chunk. */
  index: number;
  reason: RejectReason;
  field: string;
  message: string;
}

/** The chunk's rejected records: the worker waits for a Decision before staging the accepted ones. */
export interface RejectsReply {
  type: 'rejects';
  seq: number;
  rejects: ChunkRejection[];
}

/** The staging transaction committed (or had nothing to do: every message was below the mark). */
export interface StagedReply {
  type: 'staged';
  seq: number;
  staged: number;
  rejected: number;
  unknownFields: number;
  /** Messages at the start of the chunk that an earlier delivery already handled. */
  skipped: number;
}

export interface FailedReply {
  type: 'failed';
  seq: number;
  /** `gap`: the previous chunk of the partition was not staged; `conflict`: the mark moved meanwhile. */
  code: 'gap' | 'conflict' | 'error';
  message: string;
}

export type FromWorker = RejectsReply | StagedReply | FailedReply;
