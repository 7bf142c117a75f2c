import type { ValueTransformer } from 'typeorm';

// TypeORM column transformers that make SQLite and PostgreSQL read back the same JavaScript values.

/** bigint columns come back as strings on PostgreSQL; every time (epoch ms) and size here fits a JS number. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** Times are stored as epoch milliseconds in bigint columns. */
export const epochMillis = bigintNumber;

/** JSON stored as text, so both SQLite and PostgreSQL hold it the same way. */
export function jsonText<T>(): ValueTransformer {
  return {
    to: (value: T | undefined) => (value === undefined ? undefined : JSON.stringify(value)),
    from: (value: string | null) => (value === null ? null : (JSON.parse(value) as T)),
  };
}
