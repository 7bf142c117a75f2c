// A snapshot's artifact is either one Parquet file or (what ingestion registers) a manifest of Parquet
// parts (docs/ingestion.md, "Manifest"). The worker reads one Parquet file: a manifest's parts are
// downloaded (each checked against its sha256) and, when there are several, concatenated in part order.
import { createHash } from 'node:crypto';
import { parseManifest, readParquet, writeParquet, type CellValue } from '@keel/datasets';
import { JobFailure } from './jobs.errors';

const PAR1 = Buffer.from('PAR1');

export async function snapshotParquet(
  artifact: Buffer,
  download: (sha256: string) => Promise<Buffer>,
): Promise<Buffer> {
  if (artifact.subarray(0, 4).equals(PAR1)) return artifact;
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(artifact);
  } catch (err) {
    throw new JobFailure('DATA_INTEGRITY', `snapshot is neither Parquet nor a manifest: ${(err as Error).message}`);
  }
  const parts: Buffer[] = [];
  for (const part of manifest.parts) {
    const bytes = await download(part.sha256);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== part.sha256)
      throw new JobFailure('DATA_INTEGRITY', `snapshot part bytes hash to ${actual}, expected ${part.sha256}`);
    parts.push(bytes);
  }
  if (parts.length === 1) return parts[0]!;
  const rows: CellValue[][] = [];
  for (const bytes of parts) for (const row of await readParquet(manifest.schema, bytes)) rows.push(row);
  return Buffer.from(await writeParquet(manifest.schema, rows));
}
