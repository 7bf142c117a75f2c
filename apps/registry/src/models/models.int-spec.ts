import { status } from '@grpc/grpc-js';
import type { registryV1 } from '@keel/contracts';
import { describeEachRegistry, type RegistryHarness } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';

const signature = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 12] }],
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }],
};

async function registerVersion(
  h: RegistryHarness,
  model: string,
  runId: string,
  digit: string,
): Promise<registryV1.ModelVersion__Output> {
  return h.clients.models.CreateModelVersion({
    model,
    runId,
    snapshotSha256: sha('a'),
    artifactSha256: sha(digit),
    artifactUri: `s3://models/${model}/${digit}`,
    format: 'MODEL_FORMAT_ONNX',
    signature,
  });
}

describeEachRegistry('models, versions and aliases over gRPC', (h) => {
  let runId = '';

  beforeAll(async () => {
    const experiment = await h().clients.runs.CreateExperiment({ name: 'models' });
    runId = (await h().clients.runs.CreateRun({ experimentId: experiment.id })).id;
    await h().clients.runs.LogBatch({ runId, metrics: [{ key: 'auc', value: 0.88 }] });
  });

  it('should register a model with tags and refuse a duplicate or bad name', async () => {
    const created = await h().clients.models.CreateRegisteredModel({
      name: 'churn',
      description: 'churn model',
      tags: [{ key: 'owner', value: 'ml' }],
    });
    expect(created).toMatchObject({
      name: 'churn',
      latestVersion: 0,
      tags: [{ key: 'owner', value: 'ml' }],
      aliases: [],
    });
    await expectStatus(h().clients.models.CreateRegisteredModel({ name: 'churn' }), status.ALREADY_EXISTS, 'name');
    await expectStatus(
      h().clients.models.CreateRegisteredModel({ name: 'Churn Model' }),
      status.INVALID_ARGUMENT,
      'name',
    );
    const updated = await h().clients.models.UpdateRegisteredModel({
      name: 'churn',
      description: 'v2',
      tags: [
        { key: 'owner', value: '' },
        { key: 'tier', value: 'gold' },
      ],
    });
    expect(updated).toMatchObject({ description: 'v2', tags: [{ key: 'tier', value: 'gold' }] });
  });

  it('should number versions and keep their lineage, format and signature when registered', async () => {
    const v1 = await registerVersion(h(), 'churn', runId, 'b');
    const v2 = await registerVersion(h(), 'churn', runId, 'c');
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({
      model: 'churn',
      runId,
      snapshotSha256: sha('a'),
      artifactSha256: sha('c'),
      format: 'MODEL_FORMAT_ONNX',
      status: 'MODEL_VERSION_STATUS_READY',
      aliases: [],
    });
    expect(v2.signature).toEqual(signature);
    const read = await h().clients.models.GetModelVersion({ model: 'churn', version: 1 });
    expect(read.artifactUri).toBe(`s3://models/churn/b`);
    const tagged = await h().clients.models.UpdateModelVersion({
      model: 'churn',
      version: 1,
      description: 'baseline',
      tags: [{ key: 'validated', value: 'yes' }],
    });
    expect(tagged).toMatchObject({ description: 'baseline', tags: [{ key: 'validated', value: 'yes' }] });
  });

  it('should answer errors naming the field when a version request is wrong', async () => {
    const base = {
      model: 'churn',
      runId,
      snapshotSha256: sha('a'),
      artifactSha256: sha('d'),
      artifactUri: 's3://m/d',
      format: 'MODEL_FORMAT_ONNX' as const,
      signature,
    };
    await expectStatus(h().clients.models.CreateModelVersion({ ...base, model: 'ghost' }), status.NOT_FOUND, 'model');
    await expectStatus(
      h().clients.models.CreateModelVersion({ ...base, runId: 'no-such-run' }),
      status.NOT_FOUND,
      'run_id',
    );
    await expectStatus(
      h().clients.models.CreateModelVersion({ ...base, format: 'MODEL_FORMAT_UNSPECIFIED' }),
      status.INVALID_ARGUMENT,
      'format',
    );
    await expectStatus(
      h().clients.models.CreateModelVersion({ ...base, signature: { inputs: [], outputs: signature.outputs } }),
      status.INVALID_ARGUMENT,
      'signature.inputs',
    );
    await expectStatus(
      h().clients.models.CreateModelVersion({
        ...base,
        signature: { ...signature, outputs: [{ name: 'p', datatype: 'FLOAT', shape: [1] }] },
      }),
      status.INVALID_ARGUMENT,
      'signature.outputs[0].datatype',
    );
    await expectStatus(
      h().clients.models.CreateModelVersion({ ...base, artifactUri: '' }),
      status.NOT_FOUND,
      'artifact_sha256',
    );
    await expectStatus(
      h().clients.models.GetModelVersion({ model: 'churn', version: 99 }),
      status.NOT_FOUND,
      'version',
    );
    expect((await h().clients.models.GetRegisteredModel({ name: 'churn' })).latestVersion).toBe(2);
  });

  it('should move an alias atomically, resolve it, and record every move in the history', async () => {
    const created = await h().clients.models.SetAlias({
      model: 'churn',
      alias: 'production',
      version: 1,
      expectedRevision: 0,
      reason: 'first',
      actor: 'ana',
    });
    expect(created).toMatchObject({ alias: { alias: 'production', version: 1, revision: 1 }, fromVersion: 0 });
    expect((await h().clients.models.GetModelVersionByAlias({ model: 'churn', alias: 'production' })).version).toBe(1);
    const moved = await h().clients.models.SetAlias({
      model: 'churn',
      alias: 'production',
      version: 2,
      expectedRevision: 1,
      reason: 'better auc',
      actor: 'ana',
    });
    expect(moved).toMatchObject({ alias: { version: 2, revision: 2 }, fromVersion: 1 });
    const resolved = await h().clients.models.GetModelVersionByAlias({ model: 'churn', alias: 'production' });
    expect(resolved).toMatchObject({ version: 2, aliases: ['production'] });
    await h().clients.models.SetAlias({ model: 'churn', alias: 'staging', version: 1 });
    const history = await h().clients.models.ListAliasHistory({ model: 'churn', alias: 'production' });
    expect(history.changes.map((c) => [c.fromVersion, c.toVersion, c.revision, c.reason])).toEqual([
      [0, 1, 1, 'first'],
      [1, 2, 2, 'better auc'],
    ]);
    const model = await h().clients.models.GetRegisteredModel({ name: 'churn' });
    expect(model.aliases.map((a) => [a.alias, a.version])).toEqual([
      ['production', 2],
      ['staging', 1],
    ]);
  });

  it('should answer ABORTED when the expected revision is stale and FAILED_PRECONDITION for an archived version', async () => {
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'production', version: 1, expectedRevision: 1 }),
      status.ABORTED,
      'expected_revision',
    );
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'production', version: 1, expectedRevision: 0 }),
      status.ABORTED,
      'expected_revision',
    );
    await expectStatus(
      h().clients.models.ArchiveModelVersion({ model: 'churn', version: 2 }),
      status.FAILED_PRECONDITION,
      'version',
    );
    const v3 = await registerVersion(h(), 'churn', runId, 'e');
    const archived = await h().clients.models.ArchiveModelVersion({ model: 'churn', version: v3.version });
    expect(archived.status).toBe('MODEL_VERSION_STATUS_ARCHIVED');
    expect(archived.archivedAtMs).toBeGreaterThan(0);
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'production', version: v3.version }),
      status.FAILED_PRECONDITION,
      'version',
    );
    await expectStatus(
      h().clients.models.GetModelVersionByAlias({ model: 'churn', alias: 'champion' }),
      status.NOT_FOUND,
      'alias',
    );
    await expectStatus(
      h().clients.models.SetAlias({ model: 'churn', alias: 'Prod!', version: 1 }),
      status.INVALID_ARGUMENT,
      'alias',
    );
    expect((await h().clients.models.GetModelVersionByAlias({ model: 'churn', alias: 'production' })).version).toBe(2);
  });

  it('should leave a consistent history with no lost update when ten clients move one alias at once', async () => {
    for (const d of ['1', '2', '3', '4', '5']) await registerVersion(h(), 'churn', runId, d);
    const ready = (
      await h().clients.models.ListModelVersions({ model: 'churn', status: 'MODEL_VERSION_STATUS_READY' })
    ).versions.map((v) => v.version);
    const before = (await h().clients.models.ListAliasHistory({ model: 'churn', alias: 'champion' })).changes.length;
    expect(before).toBe(0);
    const movesPerClient = 3;
    // Each client reads the alias, then compare-and-sets it; on ABORTED it re-reads and tries again.
    const client = async (c: number) => {
      for (let m = 0; m < movesPerClient; m++) {
        for (;;) {
          const current = (await h().clients.models.GetRegisteredModel({ name: 'churn' })).aliases.find(
            (a) => a.alias === 'champion',
          );
          try {
            await h().clients.models.SetAlias({
              model: 'churn',
              alias: 'champion',
              version: ready[(c + m) % ready.length]!,
              expectedRevision: current?.revision ?? 0,
              actor: `client-${c}`,
            });
            break;
          } catch (err) {
            if ((err as { code?: number }).code !== status.ABORTED) throw err;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, c) => client(c)));
    const history = (
      await h().clients.models.ListAliasHistory({ model: 'churn', alias: 'champion', page: { pageSize: 1000 } })
    ).changes;
    expect(history).toHaveLength(10 * movesPerClient);
    expect(history.map((x) => x.revision)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (let i = 1; i < history.length; i++) expect(history[i]!.fromVersion).toBe(history[i - 1]!.toVersion);
    const final = (await h().clients.models.GetRegisteredModel({ name: 'churn' })).aliases.find(
      (a) => a.alias === 'champion',
    );
    expect(final).toMatchObject({ revision: 30, version: history[29]!.toVersion });
  });

  it('should delete an alias into the history and continue its revisions when it is set again', async () => {
    const staging = (await h().clients.models.GetRegisteredModel({ name: 'churn' })).aliases.find(
      (a) => a.alias === 'staging',
    )!;
    await expectStatus(
      h().clients.models.DeleteAlias({ model: 'churn', alias: 'staging', expectedRevision: staging.revision + 1 }),
      status.ABORTED,
      'expected_revision',
    );
    const deleted = await h().clients.models.DeleteAlias({
      model: 'churn',
      alias: 'staging',
      expectedRevision: staging.revision,
      reason: 'retired',
    });
    expect(deleted).toEqual({ fromVersion: staging.version, revision: staging.revision + 1 });
    await expectStatus(
      h().clients.models.GetModelVersionByAlias({ model: 'churn', alias: 'staging' }),
      status.NOT_FOUND,
      'alias',
    );
    await expectStatus(h().clients.models.DeleteAlias({ model: 'churn', alias: 'staging' }), status.NOT_FOUND, 'alias');
    const again = await h().clients.models.SetAlias({
      model: 'churn',
      alias: 'staging',
      version: 2,
      expectedRevision: 0,
    });
    expect(again).toMatchObject({ alias: { version: 2, revision: staging.revision + 2 }, fromVersion: 0 });
    const history = (await h().clients.models.ListAliasHistory({ model: 'churn', alias: 'staging' })).changes;
    expect(history.map((c) => [c.fromVersion, c.toVersion, c.revision, c.reason])).toEqual([
      [0, 1, 1, ''],
      [1, 0, 2, 'retired'],
      [0, 2, 3, ''],
    ]);
  });

  it('should hand out distinct consecutive version numbers when versions are registered concurrently', async () => {
    await h().clients.models.CreateRegisteredModel({ name: 'busy' });
    const created = await Promise.all(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a'].map((d) => registerVersion(h(), 'busy', runId, d)),
    );
    expect(created.map((v) => v.version).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await h().clients.models.GetRegisteredModel({ name: 'busy' })).latestVersion).toBe(10);
  });

  it('should page and sort versions and models when listing', async () => {
    const page = await h().clients.models.ListModelVersions({ model: 'churn', page: { pageSize: 2 } });
    expect(page.versions.map((v) => v.version)).toEqual([8, 7]);
    const asc = await h().clients.models.ListModelVersions({
      model: 'churn',
      orderBy: 'version asc',
      page: { pageSize: 2, pageToken: page.nextPageToken },
    });
    expect(asc.versions.map((v) => v.version)).toEqual([3, 4]);
    const archived = await h().clients.models.ListModelVersions({
      model: 'churn',
      status: 'MODEL_VERSION_STATUS_ARCHIVED',
    });
    expect(archived.versions.map((v) => v.version)).toEqual([3]);
    await h().clients.models.CreateRegisteredModel({ name: 'aardvark', tags: [{ key: 'tier', value: 'gold' }] });
    const models = await h().clients.models.ListRegisteredModels({ orderBy: 'name' });
    expect(models.models.map((m) => m.name)).toEqual(['aardvark', 'busy', 'churn']);
    const gold = await h().clients.models.ListRegisteredModels({
      tags: [{ key: 'tier', value: 'gold' }],
      orderBy: 'created_at desc',
    });
    expect(gold.models.map((m) => m.name)).toEqual(['aardvark', 'churn']);
    await expectStatus(
      h().clients.models.ListModelVersions({ model: 'churn', orderBy: 'size' }),
      status.INVALID_ARGUMENT,
      'order_by',
    );
  });

  it('should read a version by number and by alias with its tags and aliases, as the list shows it', async () => {
    await h().clients.models.CreateRegisteredModel({ name: 'reader' });
    await registerVersion(h(), 'reader', runId, 'c');
    await registerVersion(h(), 'reader', runId, 'd');
    await h().clients.models.UpdateModelVersion({
      model: 'reader',
      version: 1,
      tags: [
        { key: 'zeta', value: 'last' },
        { key: 'alpha', value: 'first' },
      ],
    });
    for (const alias of ['b-live', 'a-canary'])
      await h().clients.models.SetAlias({ model: 'reader', alias, version: 1 });
    await h().clients.models.SetAlias({ model: 'reader', alias: 'c-next', version: 2 });
    const listed = (await h().clients.models.ListModelVersions({ model: 'reader', orderBy: 'version asc' })).versions;
    const byNumber = await h().clients.models.GetModelVersion({ model: 'reader', version: 1 });
    expect(byNumber).toMatchObject({
      model: 'reader',
      tags: [
        { key: 'alpha', value: 'first' },
        { key: 'zeta', value: 'last' },
      ],
      aliases: ['a-canary', 'b-live'],
    });
    expect(byNumber).toEqual(listed[0]);
    expect(await h().clients.models.GetModelVersionByAlias({ model: 'reader', alias: 'b-live' })).toEqual(listed[0]);
    expect(await h().clients.models.GetModelVersionByAlias({ model: 'reader', alias: 'c-next' })).toEqual(listed[1]);
    expect(listed[1]).toMatchObject({ version: 2, tags: [], aliases: ['c-next'] });
    await expectStatus(h().clients.models.GetModelVersion({ model: 'nobody', version: 1 }), status.NOT_FOUND, 'model');
  });
});
