// Parsing and checking `keel drift` options: integers, per-column overrides, the column list.
import { ColumnOverride, DriftError, parseDriftTest } from '@keel/ml';

export interface DriftCliOptions {
  reference: string;
  current: string;
  columns?: string;
  bins?: string;
  idColumn?: string;
  test: string[];
  threshold: string[];
  exactLimit?: string;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parsePositiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new DriftError('invalid_option', `--${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** `--test col=psi` and `--threshold col=0.2`, each repeatable. */
export function parseOverrides(tests: string[], thresholds: string[]): Record<string, ColumnOverride> {
  const out: Record<string, ColumnOverride> = {};
  for (const raw of tests) {
    const [col, test] = splitPair('test', raw);
    out[col] = { ...out[col], test: parseDriftTest(test) };
  }
  for (const raw of thresholds) {
    const [col, value] = splitPair('threshold', raw);
    const t = Number(value);
    if (value.trim() === '' || !Number.isFinite(t) || t < 0)
      throw new DriftError('invalid_option', `--threshold ${raw}: the threshold must be a non-negative number`);
    out[col] = { ...out[col], threshold: t };
  }
  return out;
}

function splitPair(option: string, raw: string): [string, string] {
  const i = raw.lastIndexOf('=');
  if (i <= 0) throw new DriftError('invalid_option', `--${option} expects <column>=<value>, got "${raw}"`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** The columns to compare: the list given, or every reference column except the id column. */
export function selectColumns(
  referenceHeader: string[],
  currentHeader: string[],
  list: string | undefined,
  idColumn: string | undefined,
): string[] {
  if (idColumn !== undefined && !referenceHeader.includes(idColumn))
    throw new DriftError('unknown_column', `--id-column "${idColumn}" is not a reference column`);
  const wanted =
    list !== undefined
      ? list
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== '')
      : referenceHeader.filter((c) => c !== idColumn);
  if (wanted.length === 0) throw new DriftError('invalid_option', 'no columns to compare');
  const missing = [
    ...wanted.filter((c) => !referenceHeader.includes(c)).map((c) => `"${c}" (reference)`),
    ...wanted.filter((c) => !currentHeader.includes(c)).map((c) => `"${c}" (current)`),
  ];
  if (missing.length > 0) throw new DriftError('unknown_column', `unknown column ${missing.join(', ')}`);
  return wanted.filter((c) => c !== idColumn);
}
