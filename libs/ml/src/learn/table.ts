// Tables come in column-major: raw CSV strings, JS values, or a Float64Array for numeric columns.
import { MlError, MlErrorCode } from './errors';

export type Cell = string | number | boolean | null | undefined;
export type ColumnValues = Float64Array | readonly Cell[];
export type TableInput = ReadonlyMap<string, ColumnValues> | Readonly<Record<string, ColumnValues>>;

/** A validated table: every column has the same number of rows. */
export interface Table {
  readonly columns: ReadonlyMap<string, ColumnValues>;
  readonly rows: number;
}

export function toTable(input: TableInput | Table): Table {
  if (isTable(input)) return input;
  const columns =
    input instanceof Map ? new Map(input) : new Map(Object.entries(input as Record<string, ColumnValues>));
  let rows = -1;
  for (const [name, values] of columns) {
    if (rows === -1) rows = values.length;
    else if (values.length !== rows) {
      throw new MlError(MlErrorCode.RowCountMismatch, `column "${name}" has ${values.length} rows, expected ${rows}`);
    }
  }
  return { columns, rows: Math.max(rows, 0) };
}

export function getColumn(table: Table, name: string): ColumnValues {
  const column = table.columns.get(name);
  if (column === undefined) {
    throw new MlError(
      MlErrorCode.MissingColumn,
      `column "${name}" is missing (have: ${[...table.columns.keys()].join(', ')})`,
    );
  }
  return column;
}

/** The rows at `indices`, in that order, as a new table. */
export function selectRows(input: TableInput | Table, indices: ArrayLike<number>): Table {
  const table = toTable(input);
  const columns = new Map<string, ColumnValues>();
  for (const [name, values] of table.columns) {
    if (values instanceof Float64Array) {
      const out = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
      columns.set(name, out);
    } else {
      const out = new Array<Cell>(indices.length);
      for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
      columns.set(name, out);
    }
  }
  return { columns, rows: indices.length };
}

function isTable(input: TableInput | Table): input is Table {
  return typeof (input as Table).rows === 'number' && (input as Table).columns instanceof Map;
}

/** The rows of `a` followed by the rows of `b`, for the columns of `a` (each must be in `b` too). */
export function concatRows(a: Table, b: Table): Table {
  const columns = new Map<string, ColumnValues>();
  for (const [name, first] of a.columns) {
    const second = getColumn(b, name);
    if (first instanceof Float64Array && second instanceof Float64Array) {
      const out = new Float64Array(a.rows + b.rows);
      out.set(first);
      out.set(second, a.rows);
      columns.set(name, out);
    } else {
      columns.set(name, [...Array.from(first as ArrayLike<Cell>), ...Array.from(second as ArrayLike<Cell>)]);
    }
  }
  return { columns, rows: a.rows + b.rows };
}
