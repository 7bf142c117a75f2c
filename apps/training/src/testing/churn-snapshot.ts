// Test helper standing in for ingestion: turns the e-commerce churn CSV into a Parquet snapshot in the
// registry's artifact store and registers it as a dataset version, so the registry announces
// keel.dataset.snapshotted exactly as it does for ingestion's snapshots.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { registryClients, uploadChunks } from '@keel/clients';
import { csvColumns, parseCsv } from '@keel/ml';

export const CHURN_CSV =
  process.env['KEEL_ECOMMERCE_CSV'] ?? resolve(__dirname, '../../../../../shared/data/ecommerce-customer-churn.csv');

export type TextColumns = Record<string, string[]>;

export function loadChurnColumns(path = CHURN_CSV): TextColumns {
  const table = csvColumns(parseCsv(readFileSync(path, 'utf8')));
  return Object.fromEntries([...table].map(([k, v]) => [k, [...v]]));
}

/** "Shifted" data: drops Tenure (the strongest feature) and flips a seeded 30% of the labels. */
export function shiftChurn(columns: TextColumns): TextColumns {
  const { Tenure: _dropped, ...rest } = columns;
  let s = 12345;
  const churn = rest['Churn'].map((y) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 < 0.3 ? (y === '1' ? '0' : '1') : y;
  });
  return { ...rest, Churn: churn };
}

const isNumeric = (values: string[]): boolean => values.every((v) => v === '' || Number.isFinite(Number(v)));

/** Columns as Parquet: numeric columns DOUBLE, others STRING, empty cells null. */
export function writeParquet(columns: TextColumns): Promise<Buffer> {
  const data = Object.entries(columns).map(([name, values]) =>
    isNumeric(values)
      ? { name, type: 'DOUBLE', data: values.map((v) => (v === '' ? null : Number(v))) }
      : { name, type: 'STRING', data: values.map((v) => (v === '' ? null : v)) },
  );
  const worker = new Worker(join(__dirname, 'parquet-writer-worker.ts'), {
    workerData: data,
    execArgv: ['-r', resolve(__dirname, '../../../../tools/register-ts.cjs')],
  });
  return new Promise<Buffer>((ok, fail) => {
    worker.once('message', (m: Uint8Array | { error: string }) => {
      void worker.terminate();
      if (m instanceof Uint8Array) ok(Buffer.from(m));
      else fail(new Error(m.error));
    });
    worker.once('error', fail);
  });
}

export interface PublishedSnapshot {
  dataset: string;
  version: number;
  sha256: string;
  rows: number;
}

/** Creates the dataset if needed, uploads the Parquet and registers it as the next version. */
export async function publishSnapshot(
  registryAddress: string,
  dataset: string,
  columns: TextColumns,
): Promise<PublishedSnapshot> {
  const r = registryClients(registryAddress);
  try {
    const schema = Object.entries(columns).map(([name, values]) => ({
      name,
      type: isNumeric(values) ? ('COLUMN_TYPE_NUMBER' as const) : ('COLUMN_TYPE_STRING' as const),
      nullable: true,
    }));
    try {
      await r.datasets.CreateDataset({ name: dataset, columns: schema, entityKey: 'CustomerID', target: 'Churn' });
    } catch (err) {
      if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: a later version
    }
    const parquet = await writeParquet(columns);
    const parts: Buffer[] = [];
    for (let i = 0; i < parquet.length; i += 1 << 20) parts.push(parquet.subarray(i, i + (1 << 20)));
    const info = await uploadChunks(r.artifacts.raw, parts);
    const sha256 = createHash('sha256').update(parquet).digest('hex');
    const rows = Object.values(columns)[0].length;
    const snap = await r.datasets.RegisterSnapshot({
      dataset,
      sha256,
      rows,
      columns: schema,
      profileJson: '{"columns":[]}',
      artifactUri: info.uri,
      windowFromMs: 1,
      windowToMs: Date.now(),
    });
    return { dataset, version: snap.version, sha256, rows };
  } finally {
    r.close();
  }
}
