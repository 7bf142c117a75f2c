// Raw cell values: numeric parsing and a column's kind. What counts as missing is defined once, in core.
import { isMissing, type RawCell } from '../core';

export { isMissing };
export type RawValue = RawCell;
export type ColumnKind = 'numeric' | 'categorical' | 'binary';
/** How a column's values are kept: as numbers (every non-missing value parses) or as category keys. */
export type Storage = 'numeric' | 'categorical';

/** The number a non-missing value stands for, or NaN when it is not numeric. */
export function toNumber(v: RawValue): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.NaN;
  if (typeof v !== 'string') return Number.NaN;
  const s = v.trim();
  if (s === '') return Number.NaN;
  const x = Number(s);
  return Number.isFinite(x) ? x : Number.NaN;
}

/** Category key of a non-missing value: the trimmed text (numbers in their shortest decimal form). */
export function toCategory(v: RawValue): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return (v ?? '').trim();
}

/**
 * Storage is numeric when every non-missing value parses as a number (and there is at least one). The
 * kind is binary when the column has at most two distinct values, else numeric or categorical by storage.
 */
export function inferColumn(values: ArrayLike<RawValue>): { kind: ColumnKind; storage: Storage } {
  let numeric = true;
  let any = false;
  const distinct = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    any = true;
    if (numeric && Number.isNaN(toNumber(v))) numeric = false;
    if (distinct.size <= 2) distinct.add(toCategory(v));
  }
  const storage: Storage = any && numeric ? 'numeric' : 'categorical';
  if (any && distinct.size <= 2) return { kind: 'binary', storage };
  return { kind: storage, storage };
}

export function inferKind(values: ArrayLike<RawValue>): ColumnKind {
  return inferColumn(values).kind;
}
