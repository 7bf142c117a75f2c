// Raw cell values: what counts as missing, numeric parsing, and a column's kind.
export type RawValue = string | number | boolean | null | undefined;
export type ColumnKind = 'numeric' | 'categorical' | 'binary';
/** How a column's values are kept: as numbers (every non-missing value parses) or as category keys. */
export type Storage = 'numeric' | 'categorical';

// Spellings of "no value" that CSV exports and pandas write.
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);

export function isMissing(v: RawValue): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  if (typeof v === 'boolean') return false;
  if (v.length === 0) return true;
  // Fast path: every token starts with n/N, so other first letters (without padding) are values.
  const first = v.charCodeAt(0);
  if (first !== 110 && first !== 78 && first > 32 && v.charCodeAt(v.length - 1) > 32) return false;
  return MISSING_TOKENS.has(v.trim().toLowerCase());
}

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
