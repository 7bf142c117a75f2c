// Plan guard (PostgreSQL): after thousands of versions are bulk-loaded behind the service's back, the
// service analyses model_versions by itself, and the first page of a model's versions walks the
// (model_id, version) index backwards and stops after a page, instead of fetching every version of the
// model into a sort (45 ms at 50,000 versions before; 0.1 ms after). Not timed: it reads EXPLAIN.
import type { DataSource } from 'typeorm';
import { rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import { sha } from '../testing/expect-status';
import { explain, waitForStatistics, type PlanNode } from '../testing/query-plans';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';
import { ModelsRepository } from './models.repository';

const VERSIONS = 5000;

/** Whole-table reads of model_versions, and full sorts (a top-N over every version of the model). */
function badNodes(node: PlanNode): string[] {
  const own: string[] = [];
  if (node['Relation Name'] === 'model_versions' && ['Seq Scan', 'Bitmap Heap Scan'].includes(node['Node Type']))
    own.push(`${node['Node Type']} on model_versions`);
  if (node['Node Type'] === 'Sort') own.push('Sort');
  return [...own, ...(node.Plans ?? []).flatMap(badNodes)];
}

describe('listing model versions on PostgreSQL', () => {
  let h: RegistryHarness;
  let db: DataSource;
  let modelId = '';

  beforeAll(async () => {
    h = await startRegistry('postgres');
    db = h.service.app.get<DataSource>(DATA_SOURCE);
    const { clients } = h;
    const experiment = await clients.runs.CreateExperiment({ name: 'plans' });
    const run = await clients.runs.CreateRun({ experimentId: experiment.id });
    await clients.models.CreateRegisteredModel({ name: 'many' });
    await clients.models.CreateModelVersion({
      model: 'many',
      runId: run.id,
      snapshotSha256: sha('a'),
      artifactSha256: sha('b'),
      artifactUri: 's3://plans/1',
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
      },
    });
    [{ id: modelId }] = await rawQuery<{ id: string }>(db, "SELECT id FROM registered_models WHERE name = 'many'");
    // A bulk load behind the service's back (an import or a restore): copies of version 1.
    const columns = (
      await rawQuery<{ column_name: string }>(
        db,
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'model_versions' ORDER BY ordinal_position`,
      )
    ).map((c) => c.column_name);
    const copied: Record<string, string> = {
      id: 'gen_random_uuid()::text',
      version: 'i',
      artifact_sha256: "lpad(to_hex(i), 64, '0')",
      artifact_uri: "'s3://plans/' || i",
    };
    const list = columns.map((c) => `"${c}"`).join(', ');
    const values = columns.map((c) => copied[c] ?? `v."${c}"`).join(', ');
    await db.query(
      `INSERT INTO model_versions (${list}) SELECT ${values}
         FROM model_versions v, generate_series(2, ${VERSIONS}) i WHERE v.model_id = $1 AND v.version = 1`,
      [modelId],
    );
    await db.query('UPDATE registered_models SET latest_version = $1 WHERE id = $2', [VERSIONS, modelId]);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('should analyse model_versions by itself after a bulk load', async () => {
    await waitForStatistics(db, ['model_versions'], VERSIONS * 0.9, 30_000);
  }, 45_000);

  it('should read the first page of a model by walking its version index, not sorting every version', async () => {
    const query = h.service.app
      .get(ModelsRepository)
      .listVersionsQuery(
        modelId,
        { status: 'READY' },
        { key: 'version', direction: 'DESC' },
        { offset: 0, limit: 100 },
      );
    const [sql, params] = query.getQueryAndParameters();
    const { plan, text } = await explain(db, sql, params);
    expect({ bad: badNodes(plan), plan: text }).toEqual({ bad: [], plan: text });

    const page = await h.clients.models.ListModelVersions({
      model: 'many',
      status: 'MODEL_VERSION_STATUS_READY',
      page: { pageSize: 100 },
    });
    expect(page.versions.map((v) => v.version).slice(0, 3)).toEqual([VERSIONS, VERSIONS - 1, VERSIONS - 2]);
    expect(page.versions).toHaveLength(100);
    expect(page.nextPageToken).not.toBe('');
  });
});
