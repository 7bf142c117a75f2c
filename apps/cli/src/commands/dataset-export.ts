// `dataset export`: the snapshot's parts (immutable Parquet files in the registry's artifact store)
// concatenated into one Parquet file with the snapshot's schema.
import { writeFileSync } from 'node:fs';
import { readSnapshot } from '@keel/clients';
import type { ingestionV1 } from '@keel/contracts';
import { writeParquet } from '@keel/datasets';
import { withIngestion, withRegistry } from './dataset-client';

/** What `dataset export --json` prints (documented in docs/cli.md). */
export interface ExportResult {
  dataset: string;
  version: number;
  sha256: string;
  rows: number;
  out: string;
  bytes: number;
}

export async function exportSnapshot(dataset: string, version: number, out: string): Promise<ExportResult> {
  const s = (await withIngestion((c) => c.GetSnapshot({ dataset, version }))) as ingestionV1.Snapshot__Output;
  const { manifest, rows } = await withRegistry((r) => readSnapshot(r, s.sha256));
  const bytes = await writeParquet(manifest.schema, rows);
  writeFileSync(out, bytes);
  return { dataset, version: s.version, sha256: s.sha256, rows: rows.length, out, bytes: bytes.length };
}
