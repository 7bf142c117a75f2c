// Bench helper: CSV columns → Parquet (hyparquet-writer, ESM, loaded with a dynamic import on Node's own
// loader) → registry artifact → registered dataset version (the registry announces keel.dataset.snapshotted).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryClients, uploadChunks } from '@keel/clients';
import { csvColumns, parseCsv } from '@keel/ml';
import { WORKSPACE_ROOT } from '@keel/testing';

export type TextColumns = Record<string, string[]>;

export const CHURN_CSV =
  process.env['KEEL_ECOMMERCE_CSV'] ?? join(WORKSPACE_ROOT, '../shared/data/ecommerce-customer-churn.csv');

export function loadChurn(rows = Infinity): TextColumns {
  const table = csvColumns(parseCsv(readFileSync(CHURN_CSV, 'utf8')));
  return Object.fromEntries([...table].map(([k, v]) => [k, [...v].slice(0, rows)]));
}

/** The same rows with one id changed, so each version has its own content address. */
export function variant(columns: TextColumns, n: number): TextColumns {
  const ids = [...columns['CustomerID']];
  ids[0] = String(900000 + n);
  return { ...columns, CustomerID: ids };
}

const numeric = (v: string[]): boolean => v.every((x) => x === '' || Number.isFinite(Number(x)));

export async function publishSnapshot(address: string, dataset: string, columns: TextColumns): Promise<number> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: Object.entries(columns).map(([name, values]) =>
        numeric(values)
          ? { name, type: 'DOUBLE' as const, data: values.map((x) => (x === '' ? null : Number(x))) }
          : { name, type: 'STRING' as const, data: values.map((x) => (x === '' ? null : x)) },
      ),
    }),
  );
  const r = registryClients(address);
  try {
    const schema = Object.entries(columns).map(([name, values]) => ({
      name,
      type: numeric(values) ? ('COLUMN_TYPE_NUMBER' as const) : ('COLUMN_TYPE_STRING' as const),
      nullable: true,
    }));
    await r.datasets
      .CreateDataset({ name: dataset, columns: schema, entityKey: 'CustomerID', target: 'Churn' })
      .catch((err: { code?: number }) => {
        if (err.code !== 6) throw err;
      });
    const parts: Buffer[] = [];
    for (let i = 0; i < parquet.length; i += 1 << 20) parts.push(parquet.subarray(i, i + (1 << 20)));
    const info = await uploadChunks(r.artifacts.raw, parts);
    const snap = await r.datasets.RegisterSnapshot({
      dataset,
      sha256: createHash('sha256').update(parquet).digest('hex'),
      rows: columns['Churn'].length,
      columns: schema,
      profileJson: '{"columns":[]}',
      artifactUri: info.uri,
      windowFromMs: 1,
      windowToMs: Date.now(),
    });
    return snap.version;
  } finally {
    r.close();
  }
}
