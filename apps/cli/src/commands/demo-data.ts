// The data of `keel demo`: the e-commerce churn CSV split (seeded) into the rows ingested for training
// and held-out rows scored by the served model, and the "traffic shift" applied to rows later on.
import type { CsvTable } from '@keel/ml';

/** Rows as objects of CSV text cells, keyed by header. */
export type DemoRow = Record<string, string>;

export interface DemoData {
  header: string[];
  /** Ingested first: version 1 of the dataset is trained on them. */
  train: DemoRow[];
  /** Never ingested: scored by the served model, then labelled on keel.feedback. */
  heldOut: DemoRow[];
}

/** A seeded permutation of 0..n-1 (xorshift32 Fisher–Yates), so every run tells the same story. */
export function shuffledIndexes(n: number, seed: number): number[] {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function splitDemoData(table: CsvTable, heldOut: number, seed = 7): DemoData {
  if (heldOut <= 0 || heldOut >= table.rows.length)
    throw new Error(`held-out rows must be between 1 and ${table.rows.length - 1}, got ${heldOut}`);
  const rows = shuffledIndexes(table.rows.length, seed).map((r) => {
    const row: DemoRow = {};
    table.header.forEach((h, c) => (row[h] = table.rows[r]![c] ?? ''));
    return row;
  });
  return { header: table.header, train: rows.slice(heldOut), heldOut: rows.slice(0, heldOut) };
}

/**
 * The traffic shift: customers now get far more cashback and most pay by e-wallet (the two features
 * monitoring's own test drifts). Entity ids get an offset so shifted customers are new customers.
 */
export function shiftRow(row: DemoRow, i: number, entityKey: string, idOffset: number): DemoRow {
  const out = { ...row };
  const cashback = Number(row['CashbackAmount']);
  if (row['CashbackAmount'] !== '' && Number.isFinite(cashback)) out['CashbackAmount'] = (cashback + 60).toFixed(2);
  if (i % 10 < 6) out['PreferredPaymentMode'] = 'E wallet';
  if (row[entityKey] !== undefined && /^\d+$/.test(row[entityKey]!))
    out[entityKey] = String(Number(row[entityKey]) + idOffset);
  return out;
}

/** The CSV cells of some rows by column (what the OIP request needs). */
export function rowsToColumns(header: string[], rows: DemoRow[]): Map<string, string[]> {
  return new Map(header.map((h) => [h, rows.map((r) => r[h] ?? '')]));
}
