// The ingestion hot path's fast check: scans one record's JSON bytes against a schema without building
// the object (no JSON.parse, no per-field strings), and answers only when it is CERTAIN that
// validateRecordBytes accepts the record — with the same unknown-field count. Anything else (a record
// it would reject, an escape in a string, a nested value, a number with an exponent, a duplicate key,
// non-ASCII where a value must be compared, ...) returns UNSURE and the caller runs validateRecordBytes,
// which decides and names the reason. accept-scan.spec.ts checks the two agree on generated records.
import type { DatasetColumn, DatasetSchema } from './schema';

/** The record needs the full validation (validateRecordBytes). */
export const UNSURE = -1;

const enum Kind {
  Numeric,
  Categorical,
  Boolean,
  Timestamp,
}

interface ColumnPlan {
  name: Uint8Array;
  kind: Kind;
  required: boolean;
  min: number;
  max: number;
  allowed: Set<string> | null;
}

const MAX_UNKNOWN = 32;
const scanners = new WeakMap<DatasetSchema, Scanner>();
/** The previous call's: records come in runs of one dataset, so the WeakMap is seldom asked. */
let recent: { schema: DatasetSchema; scanner: Scanner } | undefined;

const Q = 0x22; // "
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const TRUE_FALSE = new Map([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);
/** 10^k is exact in a double up to 10^22: m / 10^k is then correctly rounded, as JSON.parse rounds. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_DIGITS = 15;

function columnPlan(c: DatasetColumn): ColumnPlan {
  const kind = {
    numeric: Kind.Numeric,
    categorical: Kind.Categorical,
    boolean: Kind.Boolean,
    timestamp: Kind.Timestamp,
  }[c.type];
  return {
    name: Buffer.from(c.name, 'utf8'),
    kind,
    required: c.required,
    min: c.min ?? -Infinity,
    max: c.max ?? Infinity,
    allowed: c.allowed ? new Set(c.allowed) : null,
  };
}

/**
 * How many fields the schema does not know, when `bytes` is certainly an accepted record under `schema`;
 * UNSURE otherwise. The caller checks the size limit first.
 */
export function scanAccepted(schema: DatasetSchema, bytes: Buffer): number {
  return scannerOf(schema).record(bytes, 0, bytes.length);
}

/**
 * scanAccepted of the record in `bytes[start, end)`, without a view of it: records packed back to back in
 * one buffer (the staging worker's input). A scan that reads past `end` (a truncated record runs into the
 * next one) consumes those bytes, so it never ends exactly at `end` and answers UNSURE.
 */
export function scanAcceptedIn(schema: DatasetSchema, bytes: Buffer, start: number, end: number): number {
  return scannerOf(schema).record(bytes, start, end);
}

function scannerOf(schema: DatasetSchema): Scanner {
  if (recent?.schema !== schema) {
    let scanner = scanners.get(schema);
    if (!scanner) scanners.set(schema, (scanner = new Scanner(schema.columns.map(columnPlan))));
    recent = { schema, scanner };
  }
  return recent.scanner;
}

/** One per schema, reused record after record (single-threaded: a scan never yields). */
class Scanner {
  private b: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Per column: the record (generation) that last set it, to find duplicates and missing columns. */
  private readonly seen: Uint32Array;
  private generation = 0;
  /** Start/end of each unknown key of the current record (at most MAX_UNKNOWN). */
  private readonly unknown = new Int32Array(2 * MAX_UNKNOWN);
  private unknownCount = 0;
  /** The column most likely named by the next key: producers usually keep one field order. */
  private next = 0;
  /** End of the last string or number read; its start is `start`. */
  private start = 0;
  private end = 0;
  private ascii = true;
  private number = 0;

  constructor(private readonly columns: ColumnPlan[]) {
    this.seen = new Uint32Array(columns.length);
  }

  record(bytes: Buffer, start: number, end: number): number {
    this.b = bytes;
    this.pos = start;
    this.unknownCount = 0;
    this.next = 0;
    if (++this.generation === 0xffffffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
    const { b, seen, generation, columns } = this;
    this.ws();
    if (b[this.pos] !== OPEN) return UNSURE;
    this.pos++;
    this.ws();
    if (b[this.pos] === CLOSE) this.pos++;
    else
      for (;;) {
        if (b[this.pos] !== Q) return UNSURE;
        let column = this.expectedKey();
        if (column < 0) {
          if (!this.string()) return UNSURE;
          column = this.column();
        }
        this.ws();
        if (b[this.pos] !== COLON) return UNSURE;
        this.pos++;
        this.ws();
        if (column < 0) {
          if (!this.unknownKey() || !this.skipValue()) return UNSURE;
        } else {
          if (seen[column] === generation) return UNSURE; // a duplicate: JSON.parse keeps the last
          seen[column] = generation;
          if (!this.value(columns[column]!)) return UNSURE;
        }
        this.ws();
        const c = b[this.pos++];
        if (c === CLOSE) break;
        if (c !== COMMA) return UNSURE;
        this.ws();
      }
    this.ws();
    if (this.pos !== end) return UNSURE;
    for (let i = 0; i < columns.length; i++) if (seen[i] !== generation && columns[i]!.required) return UNSURE;
    return this.unknownCount;
  }

  /** JSON whitespace: space, tab, LF, CR. */
  private ws(): void {
    const b = this.b;
    for (;;) {
      const c = b[this.pos];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  /** A string without escapes or control characters, at `pos` (on the quote): its bytes are [start, end). */
  private string(): boolean {
    const b = this.b;
    let i = this.pos + 1;
    let ascii = true;
    for (;;) {
      const c = b[i];
      if (c === undefined || c < 0x20 || c === BACKSLASH) return false;
      if (c === Q) break;
      if (c >= 0x80) ascii = false;
      i++;
    }
    this.start = this.pos + 1;
    this.end = i;
    this.ascii = ascii;
    this.pos = i + 1;
    return true;
  }

  /** The key at `pos` when it is exactly the name of the column after the last match (the usual case). */
  private expectedKey(): number {
    const i = this.next;
    if (i >= this.columns.length) return -1;
    const name = this.columns[i]!.name;
    const { b } = this;
    const from = this.pos + 1;
    // A name has no quote or backslash: a quote right after its bytes ends the key there.
    if (b[from + name.length] !== Q) return -1;
    for (let j = 0; j < name.length; j++) if (b[from + j] !== name[j]) return -1;
    this.pos = from + name.length + 1;
    this.next = i + 1;
    return i;
  }

  /** The schema column whose name is the key just read, or -1: the one after the last match first. */
  private column(): number {
    const n = this.columns.length;
    for (let k = 0; k < n; k++) {
      const i = this.next + k < n ? this.next + k : this.next + k - n;
      if (this.isName(i)) {
        this.next = i + 1;
        return i;
      }
    }
    return -1;
  }

  private isName(column: number): boolean {
    const name = this.columns[column]!.name;
    const { b, start } = this;
    const len = this.end - start;
    if (name.length !== len) return false;
    for (let j = 0; j < len; j++) if (name[j] !== b[start + j]) return false;
    return true;
  }

  /** Counts an unknown key; a repeated one (counted once by JSON.parse) or a non-ASCII one is left to it. */
  private unknownKey(): boolean {
    const { unknown } = this;
    if (!this.ascii || this.unknownCount === MAX_UNKNOWN) return false;
    const len = this.end - this.start;
    for (let k = 0; k < this.unknownCount; k++) {
      const s = unknown[2 * k]!;
      if (unknown[2 * k + 1]! - s !== len) continue;
      let j = 0;
      while (j < len && this.b[s + j] === this.b[this.start + j]) j++;
      if (j === len) return false;
    }
    unknown[2 * this.unknownCount] = this.start;
    unknown[2 * this.unknownCount + 1] = this.end;
    this.unknownCount++;
    return true;
  }

  /** An unknown field's value: a string, number or literal (nested values go to the full validation). */
  private skipValue(): boolean {
    const c = this.b[this.pos];
    if (c === Q) return this.string();
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) return this.jsonNumber();
    return this.literal() !== undefined;
  }

  /** A known column's value, accepted exactly when coerceCell would accept it. */
  private value(col: ColumnPlan): boolean {
    const c = this.b[this.pos];
    if (c === Q) {
      if (!this.string()) return false;
      if (this.end === this.start) return !col.required; // "" is missing
      return this.stringCell(col);
    }
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      if (!this.jsonNumber()) return false;
      return this.numberCell(col, this.number);
    }
    const lit = this.literal();
    if (lit === undefined) return false;
    if (lit === null) return !col.required;
    if (col.kind === Kind.Boolean) return true;
    return col.kind === Kind.Categorical && (col.allowed === null || col.allowed.has(String(lit)));
  }

  private stringCell(col: ColumnPlan): boolean {
    switch (col.kind) {
      case Kind.Numeric:
        return this.numericString(this.start, this.end) && this.inRange(col, this.number);
      case Kind.Categorical:
        return col.allowed === null || (this.ascii && col.allowed.has(this.text()));
      case Kind.Boolean:
        return this.ascii && TRUE_FALSE.has(this.text().trim().toLowerCase());
      case Kind.Timestamp:
        return this.ascii && Number.isFinite(Date.parse(this.text()));
    }
  }

  private numberCell(col: ColumnPlan, x: number): boolean {
    switch (col.kind) {
      case Kind.Numeric:
        return Number.isFinite(x) && this.inRange(col, x);
      case Kind.Categorical:
        return col.allowed === null || col.allowed.has(String(x));
      case Kind.Boolean:
        return x === 0 || x === 1;
      case Kind.Timestamp:
        return Number.isFinite(x);
    }
  }

  private inRange(col: ColumnPlan, x: number): boolean {
    return !(x < col.min || x > col.max);
  }

  private text(): string {
    return this.b.toString('latin1', this.start, this.end);
  }

  /** true, false or null at `pos`; undefined for anything else. */
  private literal(): boolean | null | undefined {
    const b = this.b;
    const p = this.pos;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
      this.pos += 4;
      return true;
    }
    if (b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65) {
      this.pos += 5;
      return false;
    }
    if (b[p] === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c) {
      this.pos += 4;
      return null;
    }
    return undefined;
  }

  /** A JSON number at `pos` (strict grammar), in one pass; its value in `number`. */
  private jsonNumber(): boolean {
    // Reads past the end give undefined, which fails every comparison below: hence the `!`s.
    const b = this.b;
    const start = this.pos;
    let i = start;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let m = 0;
    let digits = 0;
    let scale = 0;
    let c = b[i]!;
    if (c === ZERO) {
      digits = 1;
      c = b[++i]!;
    } else if (c > ZERO && c <= NINE) {
      do {
        m = m * 10 + (c - ZERO);
        digits++;
        c = b[++i]!;
      } while (c >= ZERO && c <= NINE);
    } else return false;
    if (c === DOT) {
      c = b[++i]!;
      if (!(c >= ZERO && c <= NINE)) return false;
      do {
        m = m * 10 + (c - ZERO);
        digits++;
        scale++;
        c = b[++i]!;
      } while (c >= ZERO && c <= NINE);
    }
    let exact = digits <= MAX_DIGITS;
    if (c === 0x65 || c === 0x45) {
      exact = false;
      c = b[++i]!;
      if (c === PLUS || c === MINUS) c = b[++i]!;
      if (!(c >= ZERO && c <= NINE)) return false;
      do c = b[++i]!;
      while (c >= ZERO && c <= NINE);
    }
    this.pos = i;
    if (exact) {
      const x = scale ? m / POW10[scale]! : m;
      this.number = negative ? -x : x;
    } else this.number = Number(b.toString('latin1', start, i));
    return true;
  }

  /**
   * A numeric string's text between start and end when it is [+|-] digits [. digits] with at most
   * MAX_DIGITS digits (no spaces, exponent, hex, Infinity): its value, as Number() reads it, in `number`.
   */
  private numericString(start: number, end: number): boolean {
    const b = this.b;
    let i = start;
    const negative = b[i] === MINUS;
    if (negative || b[i] === PLUS) i++;
    let m = 0;
    let digits = 0;
    let scale = 0;
    let dot = false;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c >= ZERO && c <= NINE) {
        m = m * 10 + (c - ZERO);
        digits++;
        if (dot) scale++;
      } else if (c === DOT && !dot) dot = true;
      else return false;
    }
    if (digits === 0 || digits > MAX_DIGITS) return false;
    const x = scale ? m / POW10[scale]! : m;
    this.number = negative ? -x : x;
    return true;
  }
}
