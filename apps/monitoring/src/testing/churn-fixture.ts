// Test fixture: the e-commerce churn data as a model's training reference. Trains a model with libs/ml,
// profiles the reference as ingestion does (every column, libs/ml ReferenceProfile), and builds the
// keel.inference.logged payloads an inference server would log for any rows (FP32 inputs are float32).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPayload } from '@keel/contracts';
import { ReferenceProfile, csvColumns, parseCsv, trainModel, type FittedPipeline, type Metrics } from '@keel/ml';
import { WORKSPACE_ROOT } from '@keel/testing';

export const CHURN_CSV =
  process.env['KEEL_ECOMMERCE_CSV'] ?? join(WORKSPACE_ROOT, '../shared/data/ecommerce-customer-churn.csv');

export interface ChurnFixture {
  header: string[];
  /** Every column as CSV text cells. */
  columns: Record<string, string[]>;
  rows: number;
  pipeline: FittedPipeline;
  metrics: Metrics;
  features: { name: string; numeric: boolean }[];
  profile: ReferenceProfile;
  /** Every row index. */
  allRows: number[];
}

export function loadChurn(): ChurnFixture {
  const csv = parseCsv(readFileSync(CHURN_CSV, 'utf8'));
  const table = csvColumns(csv);
  const columns: Record<string, string[]> = Object.fromEntries([...table].map(([k, v]) => [k, v]));
  const { pipeline, metrics } = trainModel(columns, { target: 'Churn', idColumn: 'CustomerID', algo: 'lr', seed: 7 });
  const features = pipeline.card.features.map((f) => ({ name: f.name, numeric: f.type === 'numeric' }));
  const reference: Record<string, string[]> = {};
  for (const name of csv.header) if (name !== 'CustomerID') reference[name] = columns[name]!;
  const profile = ReferenceProfile.fromColumns(reference);
  const rows = columns['Churn']!.length;
  const allRows = Array.from({ length: rows }, (_, r) => r);
  return { header: csv.header, columns, rows, pipeline, metrics, features, profile, allRows };
}

/** A seeded sample of row indexes (with replacement). */
export function sampleRows(from: number[], n: number, seed: number): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(from[(x >>> 0) % from.length]!);
  }
  return out;
}

export type Cells = Record<string, (number | string)[]>;

/**
 * The feature cells of some rows as the inference server logs them: float32 numbers and strings; a
 * missing numeric value is NaN in the tensor, which JSON carries as the string "NaN".
 */
export function featureCells(f: ChurnFixture, rows: number[]): Cells {
  const out: Cells = {};
  for (const { name, numeric } of f.features)
    out[name] = rows.map((r) => {
      const cell = f.columns[name]![r]!;
      if (!numeric) return cell;
      return cell === '' ? 'NaN' : Math.fround(Number(cell));
    });
  return out;
}

/** P(churn) per row from the trained pipeline (what the ONNX model answers). */
export function score(f: ChurnFixture, cells: Cells): Float64Array {
  // The model sees a missing value as a blank cell (the ONNX graph gets NaN).
  const table: Record<string, (string | number)[]> = {};
  for (const [name, values] of Object.entries(cells)) table[name] = values.map((v) => (v === 'NaN' ? '' : v));
  return f.pipeline.predictProba(table);
}

/** One logged request per `batch` rows, in the keel.inference.logged shape. */
export function predictionEvents(
  f: ChurnFixture,
  model: string,
  version: number,
  cells: Cells,
  proba: Float64Array,
  batch: number,
  requestPrefix: string,
): EventPayload<'keel.inference.logged'>[] {
  const n = proba.length;
  const out: EventPayload<'keel.inference.logged'>[] = [];
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const rows = end - start;
    out.push({
      requestId: `${requestPrefix}-${start}`,
      model,
      version,
      inputs: f.features.map(({ name, numeric }) => ({
        name,
        datatype: numeric ? ('FP32' as const) : ('BYTES' as const),
        shape: [rows, 1],
        data: cells[name]!.slice(start, end),
      })),
      outputs: [
        {
          name: 'label',
          datatype: 'INT64' as const,
          shape: [rows],
          data: Array.from(proba.subarray(start, end), (p) => (p > 0.5 ? 1 : 0)),
        },
        {
          name: 'probabilities',
          datatype: 'FP32' as const,
          shape: [rows, 2],
          data: Array.from(proba.subarray(start, end)).flatMap((p) => [1 - p, p]),
        },
      ],
      latencyMs: 1 + (start % 7) / 10,
    });
  }
  return out;
}
