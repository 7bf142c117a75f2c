// Schema inference from a CSV: a column is numeric when every non-blank cell is a number, boolean when
// every non-blank cell is true/false/yes/no, timestamp when every one parses as an ISO date, otherwise
// categorical. A column with blank cells is not required.
import type { DatasetColumn, DatasetSchema } from './schema';
import { checkSchema } from './schema';

export interface InferOptions {
  target: string;
  entityKey?: string;
  eventTime?: string;
}

const BOOL = /^(true|false|yes|no)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function inferSchema(header: string[], rows: string[][], options: InferOptions): DatasetSchema {
  const columns: DatasetColumn[] = header.map((name, c) => {
    let blanks = 0;
    let numeric = true;
    let bool = true;
    let time = true;
    for (const row of rows) {
      const cell = (row[c] ?? '').trim();
      if (cell === '') {
        blanks++;
        continue;
      }
      if (numeric && !Number.isFinite(Number(cell))) numeric = false;
      if (bool && !BOOL.test(cell)) bool = false;
      if (time && !(ISO_DATE.test(cell) && Number.isFinite(Date.parse(cell)))) time = false;
    }
    const seen = rows.length - blanks;
    const type =
      seen === 0 ? 'categorical' : numeric ? 'numeric' : bool ? 'boolean' : time ? 'timestamp' : 'categorical';
    return { name, type, required: blanks === 0 && seen > 0 };
  });
  return checkSchema({
    columns,
    target: options.target,
    ...(options.entityKey ? { entityKey: options.entityKey } : {}),
    ...(options.eventTime ? { eventTime: options.eventTime } : {}),
  });
}
