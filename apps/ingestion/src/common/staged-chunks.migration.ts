import { rawQuery } from '@keel/persistence';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

interface LegacyRow {
  id: number;
  schema_version: number;
  row: string;
  source_partition: number;
  source_offset: string | number;
  received_at: string | number;
}

interface Run {
  dataset: string;
  version: number;
  partition: number;
  /** Each row's JSON text as stored. */
  records: string[];
  lastOffset: bigint;
  receivedAt: number;
}

/**
 * Accepted records are staged one row per consumed chunk (ingest_staged_chunks: the chunk's records as one
 * JSON array of objects) instead of one row per record: the staging transaction writes one row whatever
 * the chunk's size. Rows staged by the old layout (coerced rows as objects by column name) are carried
 * over in order, so a snapshot after the upgrade takes them like any others.
 */
export class AddStagedChunks1764600000000 implements MigrationInterface {
  name = 'AddStagedChunks1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ingest_staged_chunks',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'dataset', type: 'varchar', length: '63' },
          { name: 'schema_version', type: 'integer' },
          // The column definitions the records were validated against (JSON); null for rows carried over
          // from ingest_staged_rows, which hold coerced values by column name already.
          { name: 'columns', type: 'text', isNullable: true },
          { name: 'rows', type: 'integer' },
          // The records' UTF-8 JSON as bytes: bound and read back without a text conversion on either side.
          { name: 'data', type: q.connection.options.type === 'postgres' ? 'bytea' : 'blob' },
          { name: 'source_partition', type: 'integer' },
          { name: 'last_offset', type: 'bigint' },
          { name: 'received_at', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex(
      'ingest_staged_chunks',
      new TableIndex({ name: 'ingest_staged_chunks_dataset_idx', columnNames: ['dataset', 'id'] }),
    );
    for (let after = 0; ;) {
      const page = await rawQuery<LegacyRow & { dataset: string }>(
        q.manager,
        'SELECT id, dataset, schema_version, row, source_partition, source_offset, received_at ' +
          'FROM ingest_staged_rows WHERE id > ? ORDER BY id LIMIT 1000',
        [after],
      );
      if (page.length === 0) break;
      after = Number(page[page.length - 1]!.id);
      // Consecutive rows of one dataset, schema version and partition become one chunk.
      let run: Run | null = null;
      const flush = async () => {
        if (!run) return;
        await rawQuery(
          q.manager,
          'INSERT INTO ingest_staged_chunks (dataset, schema_version, rows, data, source_partition, last_offset, ' +
            'received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            run.dataset,
            run.version,
            run.records.length,
            Buffer.from(`[${run.records.join(',')}]`, 'utf8'),
            run.partition,
            run.lastOffset.toString(),
            run.receivedAt,
          ],
        );
        run = null;
      };
      for (const r of page) {
        const version = Number(r.schema_version);
        const partition = Number(r.source_partition);
        if (!run || run.dataset !== r.dataset || run.version !== version || run.partition !== partition) await flush();
        run ??= { dataset: r.dataset, version, partition, records: [], lastOffset: -1n, receivedAt: 0 };
        run.records.push(r.row);
        const offset = BigInt(r.source_offset);
        if (offset > run.lastOffset) run.lastOffset = offset;
        run.receivedAt = Math.max(run.receivedAt, Number(r.received_at));
      }
      await flush();
    }
    await q.dropTable('ingest_staged_rows');
  }

  /** Back to the per-record table, empty: snapshot what is staged before going down. */
  async down(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ingest_staged_rows',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'dataset', type: 'varchar', length: '63' },
          { name: 'schema_version', type: 'integer' },
          { name: 'row', type: 'text' },
          { name: 'source_partition', type: 'integer' },
          { name: 'source_offset', type: 'bigint' },
          { name: 'received_at', type: 'bigint' },
        ],
      }),
    );
    await q.createIndex(
      'ingest_staged_rows',
      new TableIndex({ name: 'ingest_staged_rows_dataset_idx', columnNames: ['dataset', 'id'] }),
    );
    await q.dropTable('ingest_staged_chunks');
  }
}
