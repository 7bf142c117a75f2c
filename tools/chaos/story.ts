// The churn story's set-up for a chaos run, through the services' own gRPC APIs: dataset from the CSV,
// training policy (every snapshot trains), promotion policy, version 1 trained, served and monitored.
import { readFileSync } from 'node:fs';
import type { InferenceClient, IngestionClients, MonitoringClients, TrainingClients } from '@keel/clients';
import type { inference, ingestionV1, trainingV1 } from '@keel/contracts';
import { inferSchema } from '@keel/datasets';
import { parseCsv } from '@keel/ml';

export const TARGET = 'Churn';
export const ENTITY_KEY = 'CustomerID';
export type Row = Record<string, string>;

export interface Clients {
  ingestion: IngestionClients;
  training: TrainingClients;
  inference: InferenceClient;
  monitoring: MonitoringClients;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a value, or fails naming what it waited for (errors count as "not yet"). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${ms / 1000} s waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`,
      );
    await sleep(200);
  }
}

export interface ChurnData {
  header: string[];
  rows: Row[];
}

export function loadChurn(csv: string): ChurnData {
  const table = parseCsv(readFileSync(csv, 'utf8'));
  const rows = table.rows.map((cells) => Object.fromEntries(table.header.map((h, i) => [h, cells[i] ?? ''])));
  return { header: table.header, rows };
}

/** Record number n of the run: a CSV row (cycled) as a new customer, so every record has its own key. */
export function record(data: ChurnData, n: number, shifted: boolean): Row {
  const row = { ...data.rows[n % data.rows.length]! };
  row[ENTITY_KEY] = String(10_000_000 + n);
  if (shifted) {
    const cashback = Number(row['CashbackAmount']);
    if (row['CashbackAmount'] !== '' && Number.isFinite(cashback)) row['CashbackAmount'] = (cashback + 60).toFixed(2);
    if (n % 10 < 6) row['PreferredPaymentMode'] = 'E wallet';
  }
  return row;
}

export async function createDataset(c: Clients, data: ChurnData, name: string): Promise<void> {
  const schema = inferSchema(
    data.header,
    data.rows.map((r) => data.header.map((h) => r[h]!)),
    { target: TARGET, entityKey: ENTITY_KEY },
  );
  await c.ingestion.datasets.CreateDataset({
    name,
    columns: schema.columns.map((col) => ({
      name: col.name,
      type: `COLUMN_TYPE_${col.type.toUpperCase()}` as ingestionV1.ColumnType,
      required: col.required,
      // Only the type and required-ness: the chaos traffic shifts values beyond the CSV's range.
      allowed: col.allowed ?? [],
    })),
    entityKey: ENTITY_KEY,
    target: TARGET,
    eventTime: '',
    policy: { everyRecords: 0, intervalSeconds: 0 },
  });
}

export async function setPolicies(c: Clients, dataset: string): Promise<void> {
  await c.training.jobs.SetTrainingPolicy({
    dataset,
    model: dataset,
    algorithm: 'ALGORITHM_LR',
    paramsJson: '{}',
    seed: 7,
    target: '',
    enabled: true,
  });
  await c.training.promotion.SetPromotionPolicy({
    model: dataset,
    minMetrics: [{ metric: 'auc', min: 0.6 }],
    compareMetric: 'auc',
    maxRegression: 0.05,
    requireSignatureMatch: true,
  });
}

export async function datasetCounts(c: Clients, name: string): Promise<{ accepted: number; rejected: number }> {
  const d = (await c.ingestion.datasets.GetDataset({ name })) as ingestionV1.Dataset__Output;
  return { accepted: Number(d.accepted), rejected: Number(d.rejected) };
}

export async function listJobs(c: Clients, dataset: string): Promise<trainingV1.Job__Output[]> {
  return ((await c.training.jobs.ListJobs({ dataset })) as trainingV1.ListJobsResponse__Output).jobs;
}

export const JOB_DONE = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'];

/** OIP inputs for rows, typed by the served model's metadata (BYTES for categories, FP32 otherwise). */
export function oipInputs(
  meta: { inputs: { name: string; datatype: string }[] },
  rows: Row[],
): inference.ModelInferRequest['inputs'] {
  return meta.inputs.map((spec) => {
    const cells = rows.map((r) => r[spec.name] ?? '');
    if (spec.datatype === 'BYTES')
      return {
        name: spec.name,
        datatype: 'BYTES',
        shape: [cells.length, 1],
        contents: { bytesContents: cells.map((c) => Buffer.from(c)) },
      };
    const values = cells.map((c) => (c.trim() === '' ? NaN : Number(c)));
    return { name: spec.name, datatype: spec.datatype, shape: [cells.length, 1], contents: { fp32Contents: values } };
  });
}
