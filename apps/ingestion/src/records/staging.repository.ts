import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { chunks, isPostgres, rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import type { CellValue, DatasetColumn } from '@keel/datasets';
import type { DataSource, EntityManager } from 'typeorm';
import {
  INSERT_CHUNK_SQL,
  INSERT_MARK_SQL,
  INSERT_TRACE_SQL,
  SELECT_MARK_SQL,
  UPDATE_MARK_SQL,
} from '../common/staging-sql';

/** WAL autocheckpoint of the ingestion database, in bytes (the staging worker's connection uses it too). */
export const CHECKPOINT_BYTES = 64 * 1024 * 1024;

export interface StagedInsert {
  /** The typed row; null when the byte scan accepted the record (rows are needed only to dedupe). */
  row: CellValue[] | null;
  /** The record's original JSON bytes (staged as they came: nothing is re-encoded on the hot path). */
  value: Buffer;
  partition: number;
  offset: string;
}

/** One staged chunk: the accepted records of one consumed chunk of one partition, as one database row. */
export interface StagedChunk {
  id: number;
  schemaVersion: number;
  /** The columns the records were validated against; null: carried over holding coerced values by name. */
  columns: DatasetColumn[] | null;
  rows: number;
  /**
   * The accepted records as they came: a JSON array of objects, UTF-8 (parse with `stagedRecords`, one
   * chunk at a time, so a part's records are never all decoded at once).
   */
  data: Buffer;
  partition: number;
  /** Highest source offset of the chunk's rows. */
  lastOffset: string;
  receivedAt: number;
}

/** A staged chunk's records (the snapshot builder coerces them against the schema again). */
export function stagedRecords(chunk: StagedChunk): Record<string, unknown>[] {
  return JSON.parse(chunk.data.toString('utf8')) as Record<string, unknown>[];
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** ingest_staged_chunks and ingest_offsets: accepted rows and, in the same transaction, how far each partition got. */
@Injectable()
export class StagingRepository implements OnModuleInit {
  private readonly columnsText = new WeakMap<readonly DatasetColumn[], string>();

  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  /** The columns a chunk was validated against, as stored with it (JSON, built once per schema). */
  columnsJson(columns: readonly DatasetColumn[]): string {
    let text = this.columnsText.get(columns);
    if (text === undefined) this.columnsText.set(columns, (text = JSON.stringify(columns)));
    return text;
  }

  /**
   * SQLite: staging appends ~0.5 MB per chunk, so the default WAL checkpoint (every 1,000 pages, each one
   * an fsync blocking the event loop) ran every few chunks. Checkpoint every 64 MB of WAL instead, in pages
   * of this database's size (16 KiB for a database the service created, 4 KiB for an older one).
   */
  async onModuleInit(): Promise<void> {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    const [{ page_size: pageSize }] = await this.dataSource.query<{ page_size: number }[]>('PRAGMA page_size');
    await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${Math.ceil(CHECKPOINT_BYTES / pageSize)}`);
  }

  /** The next offset to process of one partition for the group, or null when it never processed any. */
  async nextOffset(
    group: string,
    topic: string,
    partition: number,
    db: DataSource | EntityManager = this.dataSource,
    forUpdate = false,
  ): Promise<bigint | null> {
    const lock = forUpdate && isPostgres(db) ? ' FOR UPDATE' : '';
    const rows = await rawQuery<{ next_offset: string | number }>(db, `${SELECT_MARK_SQL}${lock}`, [
      group,
      topic,
      partition,
    ]);
    return rows[0] ? BigInt(rows[0].next_offset) : null;
  }

  async setNextOffset(
    manager: EntityManager,
    group: string,
    topic: string,
    partition: number,
    previous: bigint | null,
    next: bigint,
  ): Promise<void> {
    if (previous === null) await rawQuery(manager, INSERT_MARK_SQL, [group, topic, partition, next.toString()]);
    else await rawQuery(manager, UPDATE_MARK_SQL, [next.toString(), group, topic, partition]);
  }

  /**
   * Stages a chunk's accepted records (all of one partition, in offset order) as ONE row: their original
   * JSON bytes joined into one JSON array. One insert per staging transaction whatever the chunk's size,
   * and nothing re-encoded: a row per record, then re-encoding each row, cost most of the ingestion path.
   * Coercion is deterministic, so the snapshot builder gets the same rows back by coercing again.
   */
  async stage(
    manager: EntityManager,
    dataset: string,
    schema: { version: number; columns: readonly DatasetColumn[] },
    rows: StagedInsert[],
    receivedAt: number,
  ): Promise<void> {
    if (rows.length === 0) return;
    const parts = new Array<Buffer>(rows.length * 2 + 1);
    for (let i = 0; i < rows.length; i++) {
      parts[2 * i] = i === 0 ? OPEN : COMMA;
      parts[2 * i + 1] = rows[i]!.value;
    }
    parts[rows.length * 2] = CLOSE;
    await rawQuery(manager, INSERT_CHUNK_SQL, [
      dataset,
      schema.version,
      this.columnsJson(schema.columns),
      rows.length,
      Buffer.concat(parts),
      rows[0]!.partition,
      rows[rows.length - 1]!.offset,
      receivedAt,
    ]);
  }

  /**
   * The oldest staged chunks of a dataset, whole, holding at most `limit` rows together (at least one
   * chunk). Chunks leave staging in the transaction that records their part, so "what is still staged" is
   * exact even when concurrent replicas commit ids out of order (PostgreSQL sequences do).
   */
  async staged(dataset: string, limit: number): Promise<StagedChunk[]> {
    const sizes = await rawQuery<{ id: number; rows: number }>(
      this.dataSource,
      'SELECT id, rows FROM ingest_staged_chunks WHERE dataset = ? ORDER BY id LIMIT ?',
      [dataset, Math.max(1, limit)],
    );
    const ids: number[] = [];
    let total = 0;
    for (const s of sizes) {
      if (ids.length > 0 && total + Number(s.rows) > limit) break;
      ids.push(Number(s.id));
      total += Number(s.rows);
    }
    const chunksOut: StagedChunk[] = [];
    for (const part of chunks(ids, 500)) {
      const rows = await rawQuery<{
        id: number;
        schema_version: number;
        columns: string | null;
        rows: number;
        data: Buffer;
        source_partition: number;
        last_offset: string | number;
        received_at: string | number;
      }>(
        this.dataSource,
        'SELECT id, schema_version, columns, rows, data, source_partition, last_offset, received_at ' +
          `FROM ingest_staged_chunks WHERE id IN (${part.map(() => '?').join(', ')}) ORDER BY id`,
        part,
      );
      for (const r of rows)
        chunksOut.push({
          id: Number(r.id),
          schemaVersion: Number(r.schema_version),
          columns: r.columns === null ? null : (JSON.parse(r.columns) as DatasetColumn[]),
          rows: Number(r.rows),
          data: r.data,
          partition: Number(r.source_partition),
          lastOffset: String(r.last_offset),
          receivedAt: Number(r.received_at),
        });
    }
    return chunksOut;
  }

  /**
   * Dedupe by (entity key, event time): the rows whose key was not accepted before (nor earlier in this
   * batch), recording their keys in the same transaction as staging. Rows without both values are kept.
   */
  async firstSeen(
    manager: EntityManager,
    dataset: string,
    rows: StagedInsert[],
    keyOf: (row: CellValue[] | null) => [string, string] | null,
  ): Promise<StagedInsert[]> {
    const keyed = rows.map((r) => ({ r, k: keyOf(r.row) }));
    const seen = new Set<string>();
    // 300 pairs × 3 parameters per statement, within both databases' parameter limits.
    for (const part of chunks(
      keyed.filter((x) => x.k !== null),
      300,
    )) {
      const found = await rawQuery<{ entity: string; event_time: string }>(
        manager,
        `SELECT entity, event_time FROM ingest_dedupe_keys WHERE dataset = ? AND (${part
          .map(() => '(entity = ? AND event_time = ?)')
          .join(' OR ')})`,
        [dataset, ...part.flatMap((x) => x.k!)],
      );
      for (const f of found) seen.add(JSON.stringify([f.entity, f.event_time]));
    }
    const fresh: StagedInsert[] = [];
    const added: [string, string][] = [];
    for (const { r, k } of keyed) {
      if (k === null) {
        fresh.push(r);
        continue;
      }
      const id = JSON.stringify(k);
      if (seen.has(id)) continue;
      seen.add(id);
      added.push(k);
      fresh.push(r);
    }
    for (const part of chunks(added, 300))
      await rawQuery(
        manager,
        `INSERT INTO ingest_dedupe_keys (dataset, entity, event_time) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`,
        part.flatMap((k) => [dataset, ...k]),
      );
    return fresh;
  }

  /** The trace context of a staged batch, in the batch's transaction (ingest_staged_traces). */
  async stageTrace(manager: EntityManager, dataset: string, traceparent: string, at: number): Promise<void> {
    await rawQuery(manager, INSERT_TRACE_SQL, [dataset, traceparent, at]);
  }

  /** The newest `limit` staged batches' trace contexts, how many there are, and the last id. */
  async stagedTraces(
    dataset: string,
    limit: number,
  ): Promise<{ traceparents: string[]; count: number; lastId: number | null }> {
    const [agg] = await rawQuery<{ n: string | number; last: string | number | null }>(
      this.dataSource,
      'SELECT COUNT(*) AS n, MAX(id) AS last FROM ingest_staged_traces WHERE dataset = ?',
      [dataset],
    );
    if (!agg || agg.last === null) return { traceparents: [], count: 0, lastId: null };
    const lastId = Number(agg.last);
    const rows = await rawQuery<{ traceparent: string }>(
      this.dataSource,
      'SELECT traceparent FROM ingest_staged_traces WHERE dataset = ? AND id <= ? ORDER BY id DESC LIMIT ?',
      [dataset, lastId, limit],
    );
    return { traceparents: rows.map((r) => r.traceparent), count: Number(agg.n), lastId };
  }

  /** Forgets the batches a snapshot took (ids up to `lastId`). */
  async dropTraces(dataset: string, lastId: number): Promise<void> {
    await rawQuery(this.dataSource, 'DELETE FROM ingest_staged_traces WHERE dataset = ? AND id <= ?', [
      dataset,
      lastId,
    ]);
  }

  /** Removes staged chunks by id (in the transaction that records the part holding their rows). */
  async unstage(manager: EntityManager, dataset: string, ids: number[]): Promise<void> {
    for (const part of chunks(ids, 1000))
      await rawQuery(
        manager,
        `DELETE FROM ingest_staged_chunks WHERE dataset = ? AND id IN (${part.map(() => '?').join(', ')})`,
        [dataset, ...part],
      );
  }
}
