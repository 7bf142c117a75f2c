// The staging transaction's statements, shared by StagingRepository (TypeORM, both databases) and the
// staging worker (its own better-sqlite3 connection): one definition of what a staged chunk writes.

export const SELECT_MARK_SQL =
  'SELECT next_offset FROM ingest_offsets WHERE group_id = ? AND topic = ? AND partition = ?';

export const INSERT_MARK_SQL =
  'INSERT INTO ingest_offsets (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)';

export const UPDATE_MARK_SQL =
  'UPDATE ingest_offsets SET next_offset = ? WHERE group_id = ? AND topic = ? AND partition = ?';

/** Parameters: dataset, schema_version, columns, rows, data, source_partition, last_offset, received_at. */
export const INSERT_CHUNK_SQL =
  'INSERT INTO ingest_staged_chunks (dataset, schema_version, columns, rows, data, source_partition, ' +
  'last_offset, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

export const INSERT_TRACE_SQL = 'INSERT INTO ingest_staged_traces (dataset, traceparent, staged_at) VALUES (?, ?, ?)';

/** Parameters: accepted, rejected, duplicates, dataset name. */
export const ADD_COUNTS_SQL =
  'UPDATE ingest_datasets SET accepted = accepted + ?, rejected = rejected + ?, duplicates = duplicates + ? WHERE name = ?';
