// Column types, inferred from the data or given, and the cell parsers every later step shares.
import { isMissing } from '../core';
import { MlError, MlErrorCode } from './errors';
import type { Cell, ColumnValues } from './table';

export type ColumnType = 'numeric' | 'categorical' | 'boolean';

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);

/** A numeric cell as a number; NaN when missing (see core isMissing). Throws on text and on ±Infinity. */
export function parseNumeric(cell: Cell, column: string, row: number): number {
  if (isMissing(cell)) return NaN;
  let value: number;
  if (typeof cell === 'number') value = cell;
  else if (typeof cell === 'boolean') value = cell ? 1 : 0;
  else {
    const text = String(cell);
    value = text.trim() === '' ? NaN : Number(text); // Number() reads non-ASCII blanks as 0
    if (Number.isNaN(value)) {
      throw new MlError(MlErrorCode.InvalidValue, `column "${column}" row ${row + 1}: "${text}" is not a number`);
    }
  }
  if (!Number.isFinite(value)) throw nonFinite(column, row, String(cell));
  return value;
}

/** A boolean cell as 1 / 0; NaN when missing. Accepts true/false, yes/no, 1/0 in any case. */
export function parseBoolean(cell: Cell, column: string, row: number): number {
  if (isMissing(cell)) return NaN;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  const word = String(cell).trim().toLowerCase();
  if (TRUE_WORDS.has(word) || word === '1') return 1;
  if (FALSE_WORDS.has(word) || word === '0') return 0;
  throw new MlError(MlErrorCode.InvalidValue, `column "${column}" row ${row + 1}: "${String(cell)}" is not a boolean`);
}

/** A categorical cell as its category string; '' when missing. Values are used verbatim (no trimming). */
export function categoryOf(cell: Cell): string {
  return isMissing(cell) ? '' : String(cell);
}

/** Numeric if every present cell is a number, boolean if every one is true/false/yes/no, else categorical. */
export function inferColumnType(name: string, values: ColumnValues): ColumnType {
  return scanColumn(name, values).type;
}

export interface ColumnScan {
  readonly type: ColumnType;
  /** The parsed values (NaN = missing) when the column is numeric, so it is parsed once. */
  readonly numeric: Float64Array | null;
}

export function scanColumn(name: string, values: ColumnValues): ColumnScan {
  if (values instanceof Float64Array) {
    checkNotEmpty(name, values);
    return { type: 'numeric', numeric: values };
  }
  const parsed = new Float64Array(values.length);
  let present = 0;
  let numeric = true;
  let boolean = true;
  let nonFiniteRow = -1; // "Infinity" text is an error only if the column is otherwise numeric
  for (let i = 0; i < values.length; i++) {
    const cell = values[i];
    if (typeof cell === 'string' && numeric && cell.length > 0) {
      // Fast path for numeric text; Number() reads blank text as 0, so 0 is checked for blankness.
      const v = Number(cell);
      if (Number.isFinite(v) && (v !== 0 || cell.trim() !== '')) {
        parsed[i] = v;
        present++;
        boolean = false;
        continue;
      }
    }
    if (isMissing(cell)) {
      parsed[i] = NaN;
      continue;
    }
    present++;
    if (typeof cell === 'boolean') {
      numeric = false;
      continue;
    }
    if (typeof cell === 'number') {
      boolean = false;
      if (!Number.isFinite(cell)) throw nonFinite(name, i, String(cell));
      parsed[i] = cell;
      continue;
    }
    const text = String(cell).trim();
    const word = text.toLowerCase();
    if (boolean && !TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) boolean = false;
    if (numeric) {
      const value = Number(text);
      if (value === Infinity || value === -Infinity) {
        if (nonFiniteRow === -1) nonFiniteRow = i;
      } else if (Number.isNaN(value) || text === '')
        numeric = false; // Number('') is 0
      else parsed[i] = value;
    }
  }
  if (present === 0) throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values`);
  if (boolean) return { type: 'boolean', numeric: null };
  if (numeric && nonFiniteRow >= 0) throw nonFinite(name, nonFiniteRow, String(values[nonFiniteRow]));
  return numeric ? { type: 'numeric', numeric: parsed } : { type: 'categorical', numeric: null };
}

function checkNotEmpty(name: string, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Infinity || v === -Infinity) throw nonFinite(name, i, String(v));
  }
  if (!values.some((v) => !Number.isNaN(v)))
    throw new MlError(MlErrorCode.EmptyColumn, `column "${name}" has no values`);
}

function nonFinite(column: string, row: number, text: string): MlError {
  return new MlError(MlErrorCode.NonFiniteValue, `column "${column}" row ${row + 1}: non-finite value "${text}"`);
}
