// Test fixture: models trained with libs/ml on the e-commerce churn data and registered in a real
// registry as the training pipeline would (artifact upload, model version with its signature, alias).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryClients, uploadChunks } from '@keel/clients';
import { csvColumns, parseCsv, trainModel, type FittedPipeline } from '@keel/ml';
import { WORKSPACE_ROOT } from '@keel/testing';

export const CHURN_CSV =
  process.env['KEEL_ECOMMERCE_CSV'] ?? join(WORKSPACE_ROOT, '../shared/data/ecommerce-customer-churn.csv');

export interface ChurnData {
  columns: Record<string, string[]>;
  rows: number;
}

export function loadChurnData(): ChurnData {
  const table = csvColumns(parseCsv(readFileSync(CHURN_CSV, 'utf8')));
  const columns: Record<string, string[]> = Object.fromEntries([...table].map(([k, v]) => [k, v]));
  return { columns, rows: columns['Churn']!.length };
}

export function trainChurn(data: ChurnData, algo: 'lr' | 'gbdt', seed: number): FittedPipeline {
  const params = algo === 'gbdt' ? { maxIter: 20 } : {};
  return trainModel(data.columns, { target: 'Churn', idColumn: 'CustomerID', algo, seed, params }).pipeline;
}

export function features(p: FittedPipeline): { name: string; numeric: boolean }[] {
  return p.card.features.map((f) => ({ name: f.name, numeric: f.type === 'numeric' || f.type === 'boolean' }));
}

/** Registers the pipeline as a new version of `model`; returns its version number and the ONNX bytes. */
export async function registerVersion(
  registryAddress: string,
  model: string,
  pipeline: FittedPipeline,
): Promise<{ version: number; bytes: Uint8Array }> {
  const r = registryClients(registryAddress);
  try {
    await r.models.CreateRegisteredModel({ name: model }).catch(() => undefined);
    // The version's lineage: a dataset snapshot and a finished run, as the training pipeline records them.
    const snapshotSha256 = createHash('sha256').update(`snapshot:${model}`).digest('hex');
    await r.datasets.GetSnapshot({ dataset: model, sha256: snapshotSha256 }).catch(async () => {
      await r.datasets
        .CreateDataset({
          name: model,
          columns: [{ name: 'Churn', type: 'COLUMN_TYPE_NUMBER', nullable: false }],
          target: 'Churn',
        })
        .catch(() => undefined);
      await r.datasets.RegisterSnapshot({
        dataset: model,
        sha256: snapshotSha256,
        rows: 1,
        profileJson: '{"columns":[]}',
        artifactUri: `keel-artifact:${snapshotSha256}`,
        windowFromMs: 1,
        windowToMs: 2,
      });
    });
    const experiment = await r.runs
      .CreateExperiment({ name: `${model}-training` })
      .catch(async () =>
        (await r.runs.ListExperiments({ page: { pageSize: 1000 } })).experiments.find(
          (e) => e.name === `${model}-training`,
        )!,
      );
    const run = await r.runs.CreateRun({
      experimentId: experiment.id,
      name: `${model} ${pipeline.card.algo}`,
      snapshotSha256,
    });
    await r.runs.EndRun({ runId: run.id, status: 'RUN_STATUS_FINISHED' });
    const bytes = pipeline.toOnnx();
    const artifact = await uploadChunks(r.artifacts.raw, [Buffer.from(bytes)]);
    const v = await r.models.CreateModelVersion({
      model,
      runId: run.id,
      snapshotSha256,
      artifactSha256: artifact.sha256,
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: features(pipeline).map((x) => ({
          name: x.name,
          datatype: x.numeric ? 'FP32' : 'BYTES',
          shape: [-1, 1],
        })),
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        ],
      },
    });
    return { version: v.version, bytes };
  } finally {
    r.close();
  }
}

export async function setAlias(
  registryAddress: string,
  model: string,
  version: number,
  alias = 'production',
): Promise<void> {
  const r = registryClients(registryAddress);
  try {
    await r.models.SetAlias({ model, alias, version });
  } finally {
    r.close();
  }
}
