import { coerceCell, type CellValue, type Rejection } from '@keel/datasets';
import type { Dataset } from '../datasets/datasets.commands';
import { stagedRecords, type StagedChunk } from '../records/staging.repository';

/**
 * Staged records as rows of the dataset's current schema. A record is coerced against the columns it was
 * validated with (deterministic: the same row as at validation); a record staged under an older schema
 * version maps by column name (a column it lacked reads as null) and is coerced again to the new type (a
 * value the forced new type cannot take reads as null). Rows carried over from the per-record layout hold
 * coerced values by name already.
 */
export function currentRows(dataset: Pick<Dataset, 'schema' | 'schemaVersion'>, staged: StagedChunk[]): CellValue[][] {
  const columns = dataset.schema.columns;
  const cell = (v: CellValue | Rejection): CellValue => (v !== null && typeof v === 'object' ? null : v);
  const rows: CellValue[][] = [];
  for (const chunk of staged) {
    const validated = chunk.columns ? new Map(chunk.columns.map((c) => [c.name, c])) : null;
    const defs = columns.map((c) => validated?.get(c.name) ?? null);
    const same = chunk.schemaVersion === dataset.schemaVersion;
    for (const record of stagedRecords(chunk)) {
      const row = new Array<CellValue>(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const def = defs[i];
        const raw = record[columns[i]!.name];
        let v: CellValue = validated ? (def ? cell(coerceCell(def, raw)) : null) : ((raw ?? null) as CellValue);
        if (!same) v = cell(coerceCell(columns[i]!, v));
        row[i] = v;
      }
      rows.push(row);
    }
  }
  return rows;
}
