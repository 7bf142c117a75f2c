// The manifest of a snapshot: what its sha256 addresses in the artifact store. A snapshot is the ordered
// list of its immutable Parquet parts (each its own artifact), so a new snapshot costs only its new part.
import type { DatasetSchema } from './schema';

export const SNAPSHOT_MANIFEST_FORMAT = 'keel.dataset.snapshot.v1';

export interface SnapshotManifest {
  format: typeof SNAPSHOT_MANIFEST_FORMAT;
  dataset: string;
  schemaVersion: number;
  /** The schema the parts are read with (columns missing from an older part read as null). */
  schema: DatasetSchema;
  rows: number;
  parts: { sha256: string; rows: number; uri: string }[];
  /** Lineage: per source partition of keel.ingest.<dataset>, the last offset the snapshot covers. */
  offsets: { partition: number; offset: string }[];
  /** Arrival time of the first and last record, epoch ms. */
  window: { fromMs: number; toMs: number };
}

/** Built field by field in a fixed order, so the same content always hashes the same. */
export function manifestBytes(m: SnapshotManifest): Buffer {
  return Buffer.from(JSON.stringify(m), 'utf8');
}

export function parseManifest(bytes: Uint8Array | string): SnapshotManifest {
  const m = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')) as SnapshotManifest;
  if (m?.format !== SNAPSHOT_MANIFEST_FORMAT || !Array.isArray(m.parts))
    throw new Error(`not a ${SNAPSHOT_MANIFEST_FORMAT} manifest`);
  return m;
}
