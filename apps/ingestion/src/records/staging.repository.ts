import { Inject, Injectable } from '@nestjs/common';
import { chunks, isPostgres, rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import type { CellValue } from '@keel/datasets';
import type { DataSource, EntityManager } from 'typeorm';

export interface StagedInsert {
  row: CellValue[];
  partition: number;
  offset: string;
}

export interface StagedRow {
  id: number;
  schemaVersion: number;
  /** By column name, so rows staged under an older schema version map onto the current one. */
  row: Record<string, CellValue>;
  partition: number;
  offset: string;
  receivedAt: number;
}

/** ingest_staged_rows and ingest_offsets: accepted rows and, in the same transaction, how far each partition got. */
@Injectable()
export class StagingRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  /** The next offset to process of one partition for the group, or null when it never processed any. */
  async nextOffset(
    group: string,
    topic: string,
    partition: number,
    db: DataSource | EntityManager = this.dataSource,
    forUpdate = false,
  ): Promise<bigint | null> {
    const lock = forUpdate && isPostgres(db) ? ' FOR UPDATE' : '';
    const rows = await rawQuery<{ next_offset: string | number }>(
      db,
      `SELECT next_offset FROM ingest_offsets WHERE group_id = ? AND topic = ? AND partition = ?${lock}`,
      [group, topic, partition],
    );
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
    if (previous === null)
      await rawQuery(
        manager,
        'INSERT INTO ingest_offsets (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)',
        [group, topic, partition, next.toString()],
      );
    else
      await rawQuery(
        manager,
        'UPDATE ingest_offsets SET next_offset = ? WHERE group_id = ? AND topic = ? AND partition = ?',
        [next.toString(), group, topic, partition],
      );
  }

  async stage(
    manager: EntityManager,
    dataset: string,
    schemaVersion: number,
    columns: readonly string[],
    rows: StagedInsert[],
    receivedAt: number,
  ): Promise<void> {
    // The row as a JSON object by column name, concatenated from precomputed keys (the hot path).
    const keys = columns.map((c, i) => (i === 0 ? '{' : ',') + JSON.stringify(c) + ':');
    const encode = (row: CellValue[]): string => {
      let text = '';
      for (let c = 0; c < keys.length; c++) {
        const v = row[c] ?? null;
        text += keys[c]! + (typeof v === 'string' ? JSON.stringify(v) : String(v));
      }
      return keys.length ? text + '}' : '{}';
    };
    // 1,000 rows × 6 parameters per statement: within SQLite's and PostgreSQL's parameter limits.
    for (const part of chunks(rows, 1000)) {
      const values = part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
      const params: unknown[] = [];
      for (const r of part) params.push(dataset, schemaVersion, encode(r.row), r.partition, r.offset, receivedAt);
      await rawQuery(
        manager,
        `INSERT INTO ingest_staged_rows (dataset, schema_version, row, source_partition, source_offset, received_at) VALUES ${values}`,
        params,
      );
    }
  }

  /**
   * The oldest staged rows of a dataset, at most `limit`. Rows leave staging in the transaction that
   * records their part, so "what is still staged" is exact even when concurrent replicas commit ids
   * out of order (PostgreSQL sequences do).
   */
  async staged(dataset: string, limit: number): Promise<StagedRow[]> {
    const rows = await rawQuery<{
      id: number;
      schema_version: number;
      row: string;
      source_partition: number;
      source_offset: string | number;
      received_at: string | number;
    }>(
      this.dataSource,
      'SELECT id, schema_version, row, source_partition, source_offset, received_at FROM ingest_staged_rows ' +
        'WHERE dataset = ? ORDER BY id LIMIT ?',
      [dataset, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      schemaVersion: Number(r.schema_version),
      row: JSON.parse(r.row) as Record<string, CellValue>,
      partition: Number(r.source_partition),
      offset: String(r.source_offset),
      receivedAt: Number(r.received_at),
    }));
  }

  /**
   * Dedupe by (entity key, event time): the rows whose key was not accepted before (nor earlier in this
   * batch), recording their keys in the same transaction as staging. Rows without both values are kept.
   */
  async firstSeen(
    manager: EntityManager,
    dataset: string,
    rows: StagedInsert[],
    keyOf: (row: CellValue[]) => [string, string] | null,
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
    await rawQuery(manager, 'INSERT INTO ingest_staged_traces (dataset, traceparent, staged_at) VALUES (?, ?, ?)', [
      dataset,
      traceparent,
      at,
    ]);
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

  async unstage(manager: EntityManager, dataset: string, ids: number[]): Promise<void> {
    for (const part of chunks(ids, 1000))
      await rawQuery(
        manager,
        `DELETE FROM ingest_staged_rows WHERE dataset = ? AND id IN (${part.map(() => '?').join(', ')})`,
        [dataset, ...part],
      );
  }
}
