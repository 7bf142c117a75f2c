// Parquet in and out (hyparquet-writer / hyparquet, pure JS). One file per staged part; a snapshot is a
// manifest of parts and `dataset export` concatenates them. Layout (docs/ingestion.md, "Parquet layout"):
// numeric → DOUBLE, categorical → UTF8 string, boolean → BOOLEAN, timestamp → INT64 TIMESTAMP_MILLIS;
// every column optional (null = missing); the schema as JSON in the `keel.schema` key-value metadata.
import type { CellValue, DatasetSchema } from './schema';

type Writer = typeof import('hyparquet-writer', { with: { 'resolution-mode': 'import' } });
type Reader = typeof import('hyparquet', { with: { 'resolution-mode': 'import' } });

// Both packages are ES modules; loaded once, lazily, from this CommonJS code.
let writerModule: Promise<Writer> | undefined;
let readerModule: Promise<Reader> | undefined;
const writer = () => (writerModule ??= import('hyparquet-writer'));
const reader = () => (readerModule ??= import('hyparquet'));

export const PARQUET_SCHEMA_KEY = 'keel.schema';

const BASIC_TYPE = { numeric: 'DOUBLE', categorical: 'STRING', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP' } as const;

/** Row-major rows (values in schema column order) to one Parquet file. */
export async function writeParquet(schema: DatasetSchema, rows: readonly CellValue[][]): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await writer();
  const columnData = schema.columns.map((column, c) => {
    const data = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const v = rows[r]![c] ?? null;
      data[r] = column.type === 'timestamp' && v !== null ? new Date(v as number) : v;
    }
    return { name: column.name, data, type: BASIC_TYPE[column.type], nullable: true };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: [{ key: PARQUET_SCHEMA_KEY, value: JSON.stringify(schema) }],
    createdBy: 'keel ingestion',
  });
  return new Uint8Array(buffer);
}

/** A Parquet file written by writeParquet back to rows in the schema's column order. */
export async function readParquet(schema: DatasetSchema, bytes: Uint8Array): Promise<CellValue[][]> {
  const { parquetReadObjects } = await reader();
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const objects = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return objects.map((o) =>
    schema.columns.map((column) => {
      const v = o[column.name];
      if (v === null || v === undefined) return null;
      if (v instanceof Date) return v.getTime();
      if (typeof v === 'bigint') return Number(v);
      return v as CellValue;
    }),
  );
}
