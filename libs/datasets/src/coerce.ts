// Record validation and coercion (docs/ingestion.md, "Coercion"): one JSON object in, one typed row out,
// or a stable reason code naming the field. Pure and allocation-light: it runs once per ingested record.
import type { CellValue, DatasetColumn, DatasetSchema } from './schema';

/** Stable codes of the keel_reason header on keel.ingest.<dataset>.dlq. */
export const REJECT_REASONS = [
  'not_json',
  'not_object',
  'missing_required',
  'wrong_type',
  'out_of_range',
  'not_allowed',
  'unknown_dataset',
  'too_large',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  ok: false;
  reason: RejectReason;
  /** The offending column, or '' when the record as a whole is at fault. */
  field: string;
  message: string;
}

export interface Accepted {
  ok: true;
  /** One value per schema column, in column order. */
  row: CellValue[];
  /** Fields the schema does not know (ignored, counted). */
  unknownFields: number;
}

export type RecordOutcome = Accepted | Rejection;

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

const reject = (reason: RejectReason, field: string, message: string): Rejection => ({
  ok: false,
  reason,
  field,
  message,
});

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** kafkajs hands over Buffers: decode them in place (a Buffer view per record costs about as much as the coercion). */
function utf8(bytes: Uint8Array | null): string {
  if (!bytes) return '';
  if (Buffer.isBuffer(bytes)) return bytes.toString('utf8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** Parses the message bytes and validates the object against the schema. */
export function validateRecordBytes(
  schema: DatasetSchema,
  bytes: Uint8Array | null,
  maxBytes = DEFAULT_MAX_RECORD_BYTES,
): RecordOutcome {
  if (bytes && bytes.length > maxBytes)
    return reject('too_large', '', `record is ${bytes.length} bytes, the limit is ${maxBytes}`);
  let value: unknown;
  try {
    value = JSON.parse(utf8(bytes));
  } catch (err) {
    return reject('not_json', '', `not JSON: ${(err as Error).message}`);
  }
  return validateRecord(schema, value);
}

/** Validates one decoded JSON value: every column coerced, the first failure reported. */
export function validateRecord(schema: DatasetSchema, value: unknown): RecordOutcome {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return reject('not_object', '', `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const record = value as Record<string, unknown>;
  const row: CellValue[] = new Array<CellValue>(schema.columns.length);
  let known = 0;
  for (let i = 0; i < schema.columns.length; i++) {
    const column = schema.columns[i]!;
    let raw = record[column.name];
    // A column named like a member of Object.prototype (toString, __proto__, ...) and absent from the
    // record would read the inherited member: JSON never yields a function or the prototype itself.
    if (typeof raw === 'function' || raw === Object.prototype) raw = undefined;
    if (raw !== undefined) known++;
    const cell = coerceCell(column, raw);
    if (typeof cell === 'object' && cell !== null) return cell;
    row[i] = cell;
  }
  return { ok: true, row, unknownFields: Object.keys(record).length - known };
}

/** One column's value: the coerced cell, or the rejection. */
export function coerceCell(column: DatasetColumn, raw: unknown): CellValue | Rejection {
  if (raw === undefined || raw === null || raw === '') {
    return column.required ? reject('missing_required', column.name, `${column.name} is required`) : null;
  }
  switch (column.type) {
    case 'numeric':
      return numeric(column, raw);
    case 'categorical':
      return categorical(column, raw);
    case 'boolean':
      return boolean(column, raw);
    case 'timestamp':
      return timestamp(column, raw);
  }
}

function numeric(column: DatasetColumn, raw: unknown): number | Rejection {
  let x: number;
  if (typeof raw === 'number') x = raw;
  else if (typeof raw === 'string' && raw.trim() !== '') x = Number(raw);
  else return reject('wrong_type', column.name, `${column.name} must be a number, got ${describe(raw)}`);
  if (!Number.isFinite(x))
    return reject('wrong_type', column.name, `${column.name} must be a finite number, got ${describe(raw)}`);
  if ((column.min !== undefined && x < column.min) || (column.max !== undefined && x > column.max))
    return reject(
      'out_of_range',
      column.name,
      `${column.name} = ${x} is outside [${column.min ?? '-inf'}, ${column.max ?? 'inf'}]`,
    );
  return x;
}

function categorical(column: DatasetColumn, raw: unknown): string | Rejection {
  let s: string;
  if (typeof raw === 'string') s = raw;
  else if (typeof raw === 'number' || typeof raw === 'boolean') s = String(raw);
  else return reject('wrong_type', column.name, `${column.name} must be a string, got ${describe(raw)}`);
  if (column.allowed && !column.allowed.includes(s))
    return reject('not_allowed', column.name, `${column.name} = ${JSON.stringify(s)} is not an allowed value`);
  return s;
}

function boolean(column: DatasetColumn, raw: unknown): boolean | Rejection {
  if (typeof raw === 'boolean') return raw;
  const key = typeof raw === 'string' ? raw.trim().toLowerCase() : typeof raw === 'number' ? String(raw) : null;
  if (key !== null && TRUE.has(key)) return true;
  if (key !== null && FALSE.has(key)) return false;
  return reject('wrong_type', column.name, `${column.name} must be true/false/1/0/yes/no, got ${describe(raw)}`);
}

function timestamp(column: DatasetColumn, raw: unknown): number | Rejection {
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms))
    return reject(
      'wrong_type',
      column.name,
      `${column.name} must be an ISO-8601 time or epoch ms, got ${describe(raw)}`,
    );
  return Math.trunc(ms);
}

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
