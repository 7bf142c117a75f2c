// The bench's model and requests, shared by bench-inference.ts and profile-rows.ts: the churn pipeline
// trained with libs/ml and registered (with its signature and production alias), and OIP requests of
// n rows in raw_input_contents, made of the data set's own first n rows (blank numeric cells as NaN,
// categorical cells as they are: a realistic mix of values, not one repeated value).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryClients, uploadChunks } from '@keel/clients';
import type { inference } from '@keel/contracts';
import { csvColumns, parseCsv, trainModel } from '@keel/ml';
import { WORKSPACE_ROOT } from '@keel/testing';

export const MODEL = 'churn-bench';

export type Features = { name: string; numeric: boolean }[];

let churnColumns: Record<string, string[]> | undefined;
/** The e-commerce churn CSV by column, read once. */
function churn(): Record<string, string[]> {
  const csv = join(WORKSPACE_ROOT, '../shared/data/ecommerce-customer-churn.csv');
  return (churnColumns ??= Object.fromEntries(csvColumns(parseCsv(readFileSync(csv, 'utf8')))));
}

export async function registerModel(address: string): Promise<Features> {
  const columns = churn();
  const { pipeline } = trainModel(columns, { target: 'Churn', idColumn: 'CustomerID', algo: 'lr', seed: 7 });
  const features = pipeline.card.features.map((f) => ({ name: f.name, numeric: f.type !== 'categorical' }));
  const r = registryClients(address);
  try {
    const snapshot = createHash('sha256').update('bench-snapshot').digest('hex');
    await r.datasets.CreateDataset({
      name: MODEL,
      columns: [{ name: 'Churn', type: 'COLUMN_TYPE_NUMBER', nullable: false }],
      target: 'Churn',
    });
    await r.datasets.RegisterSnapshot({
      dataset: MODEL,
      sha256: snapshot,
      rows: 1,
      profileJson: '{"columns":[]}',
      artifactUri: `keel-artifact:${snapshot}`,
      windowFromMs: 1,
      windowToMs: 2,
    });
    const exp = await r.runs.CreateExperiment({ name: MODEL });
    const run = await r.runs.CreateRun({ experimentId: exp.id, name: 'bench', snapshotSha256: snapshot });
    await r.runs.EndRun({ runId: run.id, status: 'RUN_STATUS_FINISHED' });
    const artifact = await uploadChunks(r.artifacts.raw, [Buffer.from(pipeline.toOnnx())]);
    await r.models.CreateRegisteredModel({ name: MODEL });
    const v = await r.models.CreateModelVersion({
      model: MODEL,
      runId: run.id,
      snapshotSha256: snapshot,
      artifactSha256: artifact.sha256,
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: features.map((f) => ({ name: f.name, datatype: f.numeric ? 'FP32' : 'BYTES', shape: [-1, 1] })),
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        ],
      },
    });
    await r.models.SetAlias({ model: MODEL, alias: 'production', version: v.version });
    return features;
  } finally {
    r.close();
  }
}

/** A request of `rows` rows in raw_input_contents (as Triton's clients send them). */
export function request(features: Features, rows: number): inference.ModelInferRequest {
  return {
    modelName: MODEL,
    inputs: features.map((f) => ({ name: f.name, datatype: f.numeric ? 'FP32' : 'BYTES', shape: [rows, 1] })),
    rawInputContents: features.map((f) => {
      const column = churn()[f.name]!;
      const cells = Array.from({ length: rows }, (_, r) => column[r % column.length]!);
      if (f.numeric) return Buffer.from(Float32Array.from(cells, (c) => (c.trim() === '' ? NaN : Number(c))).buffer);
      return Buffer.concat(
        cells.flatMap((c) => {
          const cell = Buffer.from(c);
          const len = Buffer.alloc(4);
          len.writeUInt32LE(cell.length);
          return [len, cell];
        }),
      );
    }),
  };
}
