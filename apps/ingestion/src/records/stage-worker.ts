// Entry point of the staging worker thread (built as records/stage-worker.js beside main.js). Takes chunks
// in the order they are posted; a chunk with rejected records waits for the event loop to dead-letter
// them (commit) or fail (abort) before the next chunk is touched, so a partition's marks move in order.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ChunkStager, StageFailure, type PreparedChunk, type StagingSchema } from './chunk-stager';
import type { ChunkJob, FromWorker, ToWorker } from './stage-protocol';

export interface StageWorkerData {
  /** The ingestion service's SQLite file (already migrated, in WAL mode). */
  file: string;
  busyTimeoutMs: number;
  /** WAL autocheckpoint in bytes (converted to pages of the file's size). */
  checkpointBytes: number;
}

const port = parentPort!;
const data = workerData as StageWorkerData;
const db = new Database(data.file, { timeout: data.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const pageSize = db.pragma('page_size', { simple: true }) as number;
db.pragma(`wal_autocheckpoint = ${Math.ceil(data.checkpointBytes / pageSize)}`);
const stager = new ChunkStager(db);
const schemas = new Map<number, StagingSchema>();
const queue: ChunkJob[] = [];
let held: { prepared: PreparedChunk; staging: StagingSchema } | null = null;

const reply = (m: FromWorker): void => port.postMessage(m);

function fail(seq: number, err: unknown): void {
  const code = err instanceof StageFailure ? err.code : 'error';
  reply({ type: 'failed', seq, code, message: (err as Error).message ?? String(err) });
}

function commit(prepared: PreparedChunk, staging: StagingSchema): void {
  try {
    reply({ type: 'staged', seq: prepared.job.seq, ...stager.commit(prepared, staging) });
  } catch (err) {
    fail(prepared.job.seq, err);
  }
}

function drain(): void {
  while (!held && queue.length > 0) {
    const job = queue.shift()!;
    const staging = schemas.get(job.schemaId);
    if (!staging) {
      fail(job.seq, new Error(`unknown schema ${job.schemaId}`));
      continue;
    }
    let prepared: PreparedChunk;
    try {
      prepared = stager.prepare(job, staging);
    } catch (err) {
      fail(job.seq, err);
      continue;
    }
    if (prepared.rejects.length > 0) {
      held = { prepared, staging };
      reply({ type: 'rejects', seq: job.seq, rejects: prepared.rejects });
    } else commit(prepared, staging);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'schema') {
    schemas.set(m.id, { schema: m.schema, version: m.version, columnsJson: m.columnsJson });
    return;
  }
  if (m.type === 'chunk') {
    queue.push(m);
    drain();
    return;
  }
  // A decision on the held chunk: the rejects were dead-lettered (commit) or could not be (abort).
  if (!held || held.prepared.job.seq !== m.seq) return;
  const { prepared, staging } = held;
  held = null;
  if (m.type === 'commit') commit(prepared, staging);
  else fail(m.seq, new Error('dead-lettering the rejected records failed'));
  drain();
});

port.on('close', () => db.close());
