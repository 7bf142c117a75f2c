/**
 * PostgreSQL array literals (`{...}` text) for bound parameters that the SQL casts (`$1::float8[]`).
 * node-postgres can serialise a JS array itself, but element by element: each number goes through
 * prepareValue and two regex replaces, about 2 ms of the registry's CPU for the 8,000 elements of one
 * LogBatch of 1,000 points. Numbers join as they are (JS prints the shortest text that reads back to the
 * same double, as node-postgres does); text elements are always quoted, `"` and `\` escaped.
 */
export function numberArrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

export function textArrayLiteral(values: readonly string[]): string {
  // A batch repeats a few keys many times: quote each distinct one once.
  const quoted = new Map<string, string>();
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let q = quoted.get(value);
    if (q === undefined) {
      q = `"${value.replace(/["\\]/g, '\\$&')}"`;
      quoted.set(value, q);
    }
    parts[i] = q;
  }
  return `{${parts.join(',')}}`;
}
