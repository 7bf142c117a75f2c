import type { ValueTransformer } from 'typeorm';

/** Times are stored as epoch milliseconds (bigint) so SQLite and PostgreSQL read back the same number. */
export const epochMillis: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
