// RFC 4180 CSV parsing (quoted fields, doubled quotes, CRLF or LF), pure: text in, rows out.
export interface CsvTable {
  header: string[];
  rows: string[][];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export function parseCsv(text: string): CsvTable {
  const records = parseRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (records.length === 0) throw new CsvError('no header row', 1);
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new CsvError(`expected ${header.length} fields, found ${row.length}`, i + 2);
    }
  });
  return { header, rows };
}

/** Column-major view: one string array per header column. */
export function csvColumns(table: CsvTable): Map<string, string[]> {
  const columns = new Map<string, string[]>();
  table.header.forEach((name, c) =>
    columns.set(
      name,
      table.rows.map((row) => row[c]),
    ),
  );
  return columns;
}

function parseRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = 0;
  const endRecord = (): void => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new CsvError('unterminated quoted field', line);
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
