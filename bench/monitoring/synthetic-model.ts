// A 20-feature model for the bench (10 numeric, 10 categorical, as bench/drift builds them), registered in
// a real registry as training would: dataset, snapshot with its reference profile artifact, run, version.
import { createHash } from 'node:crypto';
import { ReferenceProfile, type RawValue } from '@keel/ml';
import { registryClients, uploadChunks } from '@keel/clients';
import { makeWindow, type BenchColumns } from '../drift/bench-data';

export const FEATURES = [
  ...Array.from({ length: 10 }, (_, j) => `num${j}`),
  ...Array.from({ length: 10 }, (_, j) => `cat${j}`),
];

export function columnsOf(w: BenchColumns): Record<string, ArrayLike<RawValue>> {
  return { ...w.numeric, ...w.categorical };
}

export function benchProfile(rows: number, exactLimit?: number): ReferenceProfile {
  const ref = columnsOf(makeWindow(rows, 1, false));
  return ReferenceProfile.fromColumns(ref, {
    kinds: Object.fromEntries(FEATURES.map((c) => [c, c.startsWith('num') ? 'numeric' : 'categorical'])),
    exactLimit,
  });
}

export async function seedBenchModel(address: string, profile: ReferenceProfile, model = 'bench'): Promise<void> {
  const r = registryClients(address);
  try {
    await r.datasets.CreateDataset({
      name: model,
      columns: FEATURES.map((name) => ({
        name,
        type: name.startsWith('num') ? 'COLUMN_TYPE_NUMBER' : 'COLUMN_TYPE_STRING',
        nullable: true,
      })),
    });
    const art = await uploadChunks(r.artifacts.raw, chunked(Buffer.from(JSON.stringify(profile.toJSON()))));
    const sha = createHash('sha256').update(`bench-snapshot-${model}`).digest('hex');
    await r.datasets.RegisterSnapshot({
      dataset: model,
      sha256: sha,
      rows: 20_000,
      profileJson: JSON.stringify({
        columns: [],
        reference: { sha256: art.sha256, uri: art.uri, format: 'keel.drift.reference-profile.v1' },
      }),
      artifactUri: `keel-artifact:${sha}`,
      windowFromMs: 1,
      windowToMs: 2,
    });
    const exp = await r.runs.CreateExperiment({ name: `${model}-exp` });
    const run = await r.runs.CreateRun({ experimentId: exp.id, name: 'bench', snapshotSha256: sha });
    await r.runs.LogBatch({ runId: run.id, metrics: [{ key: 'test_auc', value: 0.8, step: 0 }] });
    const modelArt = await uploadChunks(r.artifacts.raw, chunked(Buffer.from(`bench model ${model}`)));
    await r.models.CreateRegisteredModel({ name: model });
    const v = await r.models.CreateModelVersion({
      model,
      runId: run.id,
      snapshotSha256: sha,
      artifactSha256: modelArt.sha256,
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: FEATURES.map((name) => ({ name, datatype: name.startsWith('num') ? 'FP32' : 'BYTES', shape: [-1, 1] })),
        outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }],
      },
    });
    await r.models.SetAlias({ model, alias: 'production', version: v.version });
  } finally {
    r.close();
  }
}

/** keel.inference.logged bodies: `rows` rows per request from a seeded current window. */
export function loggedBodies(model: string, events: number, rowsPerEvent: number, seed: number): string[] {
  const w = makeWindow(events * rowsPerEvent, seed, false);
  const cols = columnsOf(w);
  const out: string[] = [];
  for (let e = 0; e < events; e++) {
    const start = e * rowsPerEvent;
    const slice = (name: string) => Array.from({ length: rowsPerEvent }, (_, i) => cols[name]![start + i]);
    const p = Array.from({ length: rowsPerEvent }, (_, i) => ((start + i) % 97) / 97);
    out.push(
      JSON.stringify({
        requestId: `req-${seed}-${e}`,
        model,
        version: 1,
        inputs: FEATURES.map((name) => ({
          name,
          datatype: name.startsWith('num') ? 'FP32' : 'BYTES',
          shape: [rowsPerEvent, 1],
          data: slice(name),
        })),
        outputs: [
          { name: 'probabilities', datatype: 'FP32', shape: [rowsPerEvent, 2], data: p.flatMap((x) => [1 - x, x]) },
        ],
        latencyMs: 0.4,
      }),
    );
  }
  return out;
}

/** An upload's data messages: at most 1 MiB each, as the registry accepts them. */
function chunked(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 20) out.push(bytes.subarray(i, i + (1 << 20)));
  return out;
}
