// The e-commerce churn CSV (../shared/data) as JSON records, plus 30 malformed records of every
// DLQ reason, for the ingestion integration test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferSchema, type DatasetSchema, type RejectReason } from '@keel/datasets';
import { parseCsv } from '@keel/ml';
import { WORKSPACE_ROOT } from '@keel/testing';

export const CHURN_CSV =
  process.env['KEEL_ECOMMERCE_CSV'] ?? join(WORKSPACE_ROOT, '..', 'shared', 'data', 'ecommerce-customer-churn.csv');
export const MAX_RECORD_BYTES = 2048;

export interface ChurnFixture {
  header: string[];
  rows: string[][];
  schema: DatasetSchema;
  /** One JSON text per CSV row. */
  valid: string[];
  malformed: { reason: RejectReason; text: string; unknownDataset: boolean }[];
}

export function loadChurnRecords(): ChurnFixture {
  const table = parseCsv(readFileSync(CHURN_CSV, 'utf8'));
  const inferred = inferSchema(table.header, table.rows, { target: 'Churn', entityKey: 'CustomerID' });
  // Constraints so out_of_range and not_allowed can happen; every real row satisfies them.
  const schema: DatasetSchema = {
    ...inferred,
    columns: inferred.columns.map((c) =>
      c.name === 'Tenure'
        ? { ...c, min: 0, max: 100 }
        : c.name === 'Gender'
          ? { ...c, allowed: ['Female', 'Male'] }
          : c,
    ),
  };
  const numeric = new Set(schema.columns.filter((c) => c.type === 'numeric').map((c) => c.name));
  // Blank cells take each missing form in turn: "" , null, absent.
  let blank = 0;
  const valid = table.rows.map((row) => {
    const record: Record<string, unknown> = {};
    table.header.forEach((h, i) => {
      const cell = row[i]!;
      if (cell === '') {
        const form = blank++ % 3;
        if (form === 0) record[h] = '';
        else if (form === 1) record[h] = null;
        return;
      }
      record[h] = numeric.has(h) && i % 2 === 0 ? Number(cell) : cell;
    });
    return JSON.stringify(record);
  });
  const base = JSON.parse(valid[0]!) as Record<string, unknown>;
  const variant = (patch: Record<string, unknown>, drop?: string) => {
    const r: Record<string, unknown> = { ...base, ...patch };
    if (drop) delete r[drop];
    return JSON.stringify(r);
  };
  const m = (reason: RejectReason, text: string, unknownDataset = false) => ({ reason, text, unknownDataset });
  const malformed = [
    m('not_json', 'not json at all'),
    m('not_json', '{"CustomerID": 1'),
    m('not_json', "{'CustomerID': 1}"),
    m('not_json', '{"Churn": 1,}'),
    m('not_object', '[1,2,3]'),
    m('not_object', '42'),
    m('not_object', '"a string"'),
    m('not_object', 'null'),
    m('missing_required', variant({}, 'CustomerID')),
    m('missing_required', variant({ CustomerID: '' })),
    m('missing_required', variant({ Churn: null })),
    m('missing_required', variant({}, 'Gender')),
    m('wrong_type', variant({ Tenure: 'four' })),
    m('wrong_type', variant({ CashbackAmount: true })),
    m('wrong_type', variant({ CityTier: { tier: 1 } })),
    m('wrong_type', variant({ PreferredLoginDevice: ['Phone'] })),
    m('out_of_range', variant({ Tenure: -1 })),
    m('out_of_range', variant({ Tenure: 101 })),
    m('out_of_range', variant({ Tenure: '1e9' })),
    m('out_of_range', variant({ Tenure: -0.5 })),
    m('not_allowed', variant({ Gender: 'X' })),
    m('not_allowed', variant({ Gender: 'male' })),
    m('not_allowed', variant({ Gender: 'Unknown' })),
    m('not_allowed', variant({ Gender: 'F' })),
    m('unknown_dataset', valid[1]!, true),
    m('unknown_dataset', valid[2]!, true),
    m('unknown_dataset', valid[3]!, true),
    m('too_large', variant({ note: 'x'.repeat(MAX_RECORD_BYTES) })),
    m('too_large', variant({ note: 'y'.repeat(MAX_RECORD_BYTES * 2) })),
    m('too_large', variant({ note: 'z'.repeat(MAX_RECORD_BYTES + 10) })),
  ];
  return { header: table.header, rows: table.rows, schema, valid, malformed };
}
