// What counts as a missing cell, for every part of libs/ml (training, scoring, drift): null, undefined,
// NaN, or text that is blank or one of the usual spellings of "no value" (NA, N/A, NaN, null, None in any
// letter case) with optional surrounding ASCII whitespace. The exported ONNX graph tests string inputs with
// MISSING_PATTERN (RegexFullMatch, RE2 syntax), so the graph and the TypeScript scorer agree exactly.
export type RawCell = string | number | boolean | null | undefined;

/** The ASCII whitespace both sides strip: tab, line feed, vertical tab, form feed, carriage return, space. */
const BLANK = '[\\t\\n\\v\\f\\r ]*';

/** The definition as an RE2 full-match pattern, for onnx RegexFullMatch. */
export const MISSING_PATTERN = `${BLANK}(?i:na|n/a|nan|null|none)?${BLANK}`;

const TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);

export function isMissing(v: RawCell): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  if (typeof v === 'boolean') return false;
  return isMissingText(v);
}

export function isMissingText(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  // Fast path: a missing spelling starts with whitespace or n/N and ends with whitespace or a/A/l/L/e/E.
  const first = text.charCodeAt(0);
  if (first !== 110 && first !== 78 && !isBlank(first)) return false;
  let start = 0;
  let end = n;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (end - start > 4) return false;
  return TOKENS.has(asciiLower(text.slice(start, end)));
}

function isBlank(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

// Only ASCII letters fold (as RE2's (?i) does for these tokens); other characters stay as they are.
function asciiLower(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}
