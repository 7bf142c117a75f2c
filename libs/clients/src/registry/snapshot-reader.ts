import { parseManifest, readParquet, type CellValue, type SnapshotManifest } from '@keel/datasets';
import type { RegistryClients } from './registry-client';
import { downloadTo } from './artifact-transfer';

async function download(clients: RegistryClients, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await downloadTo(clients.artifacts.raw, sha256, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

/**
 * A dataset snapshot's rows from the artifact store: the manifest its sha256 names, then every Parquet
 * part in order (docs/ingestion.md). Rows are in `manifest.schema` column order; null is missing.
 */
export async function readSnapshot(
  clients: RegistryClients,
  manifestSha256: string,
): Promise<{ manifest: SnapshotManifest; rows: CellValue[][] }> {
  const manifest = parseManifest(await download(clients, manifestSha256));
  const rows: CellValue[][] = [];
  for (const part of manifest.parts)
    for (const row of await readParquet(manifest.schema, await download(clients, part.sha256))) rows.push(row);
  return { manifest, rows };
}
