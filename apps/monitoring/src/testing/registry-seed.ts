// Registers what the training pipeline would for a model: the dataset and its snapshot with the
// reference profile artifact, a run with test metrics, the ONNX model version with its signature and
// lineage, and the production alias.
import { createHash } from 'node:crypto';
import type { ChurnFixture } from './churn-fixture';
import { registryClients, uploadChunks } from '@keel/clients';

export interface SeededModel {
  model: string;
  version: number;
  dataset: string;
  snapshotSha256: string;
  referenceSha256: string;
  runId: string;
  testAuc: number;
}

export async function seedChurnModel(
  registryAddress: string,
  f: ChurnFixture,
  names = { model: 'churn', dataset: 'churn' },
): Promise<SeededModel> {
  const r = registryClients(registryAddress);
  try {
    await r.datasets.CreateDataset({
      name: names.dataset,
      columns: f.header.map((name) => ({
        name,
        type: f.features.find((x) => x.name === name && !x.numeric) ? 'COLUMN_TYPE_STRING' : 'COLUMN_TYPE_NUMBER',
        nullable: true,
      })),
      entityKey: 'CustomerID',
      target: 'Churn',
    });
    const profileBytes = Buffer.from(JSON.stringify(f.profile.toJSON()));
    const profileArtifact = await uploadChunks(r.artifacts.raw, chunked(profileBytes));
    // The snapshot's own content address (its manifest, in the real pipeline).
    const snapshotSha256 = createHash('sha256').update(`snapshot:${names.dataset}:1`).digest('hex');
    const snapshot = await r.datasets.RegisterSnapshot({
      dataset: names.dataset,
      sha256: snapshotSha256,
      rows: f.rows,
      profileJson: JSON.stringify({
        columns: [],
        reference: {
          sha256: profileArtifact.sha256,
          uri: profileArtifact.uri,
          format: 'keel.drift.reference-profile.v1',
        },
      }),
      artifactUri: `keel-artifact:${snapshotSha256}`,
      windowFromMs: 1,
      windowToMs: 2,
    });
    const experiment = await r.runs.CreateExperiment({ name: `${names.model}-training` });
    const run = await r.runs.CreateRun({
      experimentId: experiment.id,
      name: 'lr seed 7',
      snapshotSha256,
      params: [
        { key: 'algorithm', value: 'lr' },
        { key: 'seed', value: '7' },
      ],
    });
    const m = f.metrics;
    await r.runs.LogBatch({
      runId: run.id,
      metrics: [
        { key: 'test_auc', value: m.auc, step: 0 },
        { key: 'test_accuracy', value: m.accuracy, step: 0 },
        { key: 'test_f1', value: m.f1, step: 0 },
        { key: 'test_log_loss', value: m.logLoss, step: 0 },
        ...[0.7, 0.8, 0.85, m.auc].map((value, step) => ({ key: 'validation_auc', value, step })),
      ],
    });
    await r.runs.EndRun({ runId: run.id, status: 'RUN_STATUS_FINISHED' });
    const modelArtifact = await uploadChunks(r.artifacts.raw, chunked(Buffer.from(f.pipeline.toOnnx())));
    await r.models.CreateRegisteredModel({ name: names.model });
    const version = await r.models.CreateModelVersion({
      model: names.model,
      runId: run.id,
      snapshotSha256,
      artifactSha256: modelArtifact.sha256,
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: f.features.map((x) => ({ name: x.name, datatype: x.numeric ? 'FP32' : 'BYTES', shape: [-1, 1] })),
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        ],
      },
    });
    await r.models.SetAlias({ model: names.model, alias: 'production', version: version.version });
    return {
      model: names.model,
      version: version.version,
      dataset: names.dataset,
      snapshotSha256: snapshot.sha256,
      referenceSha256: profileArtifact.sha256,
      runId: run.id,
      testAuc: m.auc,
    };
  } finally {
    r.close();
  }
}

/** An upload's data messages: at most 1 MiB each, as the registry accepts them. */
function chunked(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 20) out.push(bytes.subarray(i, i + (1 << 20)));
  return out;
}
