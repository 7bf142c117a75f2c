// Parquet snapshot → columns for libs/ml. hyparquet is ESM-only, so it is loaded with a dynamic import
// (this runs inside a worker thread, on Node's own loader). INT64 columns come back as bigint.
import type { Cell } from '@keel/ml';

export async function readParquetColumns(bytes: Uint8Array): Promise<Record<string, Cell[]>> {
  const { parquetReadObjects, parquetMetadata, parquetSchema } = await import('hyparquet');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const names = parquetSchema(parquetMetadata(file)).children.map((c) => c.element.name);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  const columns: Record<string, Cell[]> = {};
  for (const name of names) columns[name] = new Array<Cell>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (const name of names) columns[name][r] = toCell(row[name]);
  }
  return columns;
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.getTime();
  return String(value as string);
}
