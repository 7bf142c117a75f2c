import { status } from '@grpc/grpc-js';
import { describeEachRegistry } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';

const signature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

describeEachRegistry('lineage over gRPC', (h) => {
  let runId = '';
  let experimentId = '';

  beforeAll(async () => {
    const c = h().clients;
    await c.datasets.CreateDataset({ name: 'churn', columns: [{ name: 'x', type: 'COLUMN_TYPE_NUMBER' }] });
    for (const d of ['a', 'b']) {
      await c.datasets.RegisterSnapshot({
        dataset: 'churn',
        sha256: sha(d),
        rows: 10,
        profileJson: '{"columns":[]}',
        artifactUri: `file:///snapshots/${d}`,
        windowFromMs: 1,
        windowToMs: 2,
      });
    }
    experimentId = (await c.runs.CreateExperiment({ name: 'lineage' })).id;
    runId = (await c.runs.CreateRun({ experimentId, snapshotSha256: sha('a'), params: [{ key: 'seed', value: '1' }] }))
      .id;
    await c.runs.LogBatch({ runId, metrics: [{ key: 'auc', value: 0.9 }] });
    for (const model of ['churn-lr', 'churn-gbdt']) {
      await c.models.CreateRegisteredModel({ name: model });
      for (const d of ['c', 'd']) {
        await c.models.CreateModelVersion({
          model,
          runId,
          snapshotSha256: sha('a'),
          artifactSha256: sha(d),
          artifactUri: `s3://m/${model}/${d}`,
          format: 'MODEL_FORMAT_ONNX',
          signature,
        });
      }
    }
    await c.models.SetAlias({ model: 'churn-lr', alias: 'production', version: 1, reason: 'launch' });
    await c.models.SetAlias({ model: 'churn-lr', alias: 'production', version: 2, reason: 'retrained' });
    await c.models.SetAlias({ model: 'churn-lr', alias: 'staging', version: 1 });
  });

  it('should return snapshot, run, version and alias moves in one call when asked for a version', async () => {
    const l = await h().clients.lineage.GetModelLineage({ model: 'churn-lr', version: 1 });
    expect(l.snapshot).toMatchObject({ dataset: 'churn', version: 1, sha256: sha('a') });
    expect(l.run).toMatchObject({ id: runId, params: [{ key: 'seed', value: '1' }], snapshotSha256: sha('a') });
    expect(l.run!.latestMetrics.map((m) => [m.key, m.value])).toEqual([['auc', 0.9]]);
    expect(l.experiment).toMatchObject({ id: experimentId, name: 'lineage' });
    expect(l.version).toMatchObject({ model: 'churn-lr', version: 1, aliases: ['staging'] });
    expect(l.aliasHistory.map((c) => [c.alias, c.fromVersion, c.toVersion, c.reason])).toEqual([
      ['production', 0, 1, 'launch'],
      ['production', 1, 2, 'retrained'],
      ['staging', 0, 1, ''],
    ]);
  });

  it('should leave unknown links unset when the snapshot was never registered', async () => {
    await h().clients.models.CreateModelVersion({
      model: 'churn-gbdt',
      runId,
      snapshotSha256: sha('e'),
      artifactSha256: sha('f'),
      artifactUri: 's3://m/f',
      format: 'MODEL_FORMAT_KEEL_JSON',
      signature,
    });
    const l = await h().clients.lineage.GetModelLineage({ model: 'churn-gbdt', version: 3 });
    expect(l.snapshot).toBeNull();
    expect(l.run?.id).toBe(runId);
    expect(l.aliasHistory).toEqual([]);
  });

  it('should list the model versions built from a snapshot by sha256 or by dataset version', async () => {
    const bySha = await h().clients.lineage.ListSnapshotModels({ sha256: sha('a'), orderBy: 'created_at asc' });
    expect(bySha.snapshot).toMatchObject({ dataset: 'churn', version: 1 });
    const all = bySha.versions.map((v) => `${v.model}/${v.version}`);
    expect([...all].sort()).toEqual(['churn-gbdt/1', 'churn-gbdt/2', 'churn-lr/1', 'churn-lr/2']);
    const created = bySha.versions.map((v) => v.createdAtMs);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const paged = await h().clients.lineage.ListSnapshotModels({ dataset: 'churn', version: 1, page: { pageSize: 3 } });
    const rest = await h().clients.lineage.ListSnapshotModels({
      dataset: 'churn',
      version: 1,
      page: { pageSize: 3, pageToken: paged.nextPageToken },
    });
    expect(paged.versions).toHaveLength(3);
    expect([...paged.versions, ...rest.versions].map((v) => `${v.model}/${v.version}`)).toEqual([...all].reverse());
    expect(rest.nextPageToken).toBe('');
    const byModel = await h().clients.lineage.ListSnapshotModels({ sha256: sha('a'), orderBy: 'model asc' });
    expect(byModel.versions.map((v) => `${v.model}/${v.version}`)).toEqual([
      'churn-gbdt/1',
      'churn-gbdt/2',
      'churn-lr/1',
      'churn-lr/2',
    ]);
    const none = await h().clients.lineage.ListSnapshotModels({ dataset: 'churn', version: 2 });
    expect(none.versions).toEqual([]);
    expect(none.snapshot?.sha256).toBe(sha('b'));
  });

  it('should answer NOT_FOUND and INVALID_ARGUMENT naming the field when lineage requests are wrong', async () => {
    await expectStatus(
      h().clients.lineage.GetModelLineage({ model: 'churn-lr', version: 9 }),
      status.NOT_FOUND,
      'version',
    );
    await expectStatus(h().clients.lineage.GetModelLineage({ model: 'ghost', version: 1 }), status.NOT_FOUND, 'model');
    await expectStatus(h().clients.lineage.ListSnapshotModels({ sha256: sha('9') }), status.NOT_FOUND, 'sha256');
    await expectStatus(h().clients.lineage.ListSnapshotModels({ sha256: 'abc' }), status.INVALID_ARGUMENT, 'sha256');
    await expectStatus(h().clients.lineage.ListSnapshotModels({}), status.INVALID_ARGUMENT, 'sha256');
    await expectStatus(
      h().clients.lineage.ListSnapshotModels({ dataset: 'churn', version: 7 }),
      status.NOT_FOUND,
      'version',
    );
  });
});
