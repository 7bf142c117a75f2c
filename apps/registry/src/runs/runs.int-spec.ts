import { status } from '@grpc/grpc-js';
import type { DataSource } from 'typeorm';
import type { registryV1 } from '@keel/contracts';
import { rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';

type Run = registryV1.Run__Output;
import { describeEachRegistry } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';

describeEachRegistry('experiments and runs over gRPC', (h) => {
  let experimentId = '';
  const runs: Run[] = [];

  it('should create an experiment and find it by id and by name when it is new', async () => {
    const created = await h().clients.runs.CreateExperiment({ name: 'churn-baseline', description: 'first try' });
    experimentId = created.id;
    expect((await h().clients.runs.GetExperiment({ id: created.id })).name).toBe('churn-baseline');
    expect((await h().clients.runs.GetExperiment({ name: 'churn-baseline' })).id).toBe(created.id);
    await expectStatus(h().clients.runs.CreateExperiment({ name: 'churn-baseline' }), status.ALREADY_EXISTS, 'name');
    await expectStatus(h().clients.runs.GetExperiment({ name: 'missing' }), status.NOT_FOUND, 'name');
    await expectStatus(h().clients.runs.CreateExperiment({ name: '' }), status.INVALID_ARGUMENT, 'name');
  });

  it('should start runs with params and tags when the experiment exists', async () => {
    for (let i = 0; i < 4; i++) {
      runs.push(
        await h().clients.runs.CreateRun({
          experimentId,
          name: `run-${i}`,
          snapshotSha256: sha('a'),
          params: [
            { key: 'lr', value: String(0.1 * (i + 1)) },
            { key: 'depth', value: i % 2 ? '8' : '4' },
          ],
          tags: [{ key: 'team', value: i < 2 ? 'blue' : 'red' }],
          startTimeMs: 1_764_000_000_000 + i * 1000,
        }),
      );
    }
    expect(runs[0]).toMatchObject({
      experimentId,
      name: 'run-0',
      status: 'RUN_STATUS_RUNNING',
      snapshotSha256: sha('a'),
      endTimeMs: 0,
    });
    expect(runs[0]!.params).toEqual([
      { key: 'depth', value: '4' },
      { key: 'lr', value: '0.1' },
    ]);
    await expectStatus(h().clients.runs.CreateRun({ experimentId: 'nope' }), status.NOT_FOUND, 'experiment_id');
    await expectStatus(
      h().clients.runs.CreateRun({
        experimentId,
        params: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      }),
      status.INVALID_ARGUMENT,
      'params[1].key',
    );
  });

  it('should store a whole batch of metrics in one call and keep the latest value per key', async () => {
    const [run0, run1, run2] = runs;
    const series = Array.from({ length: 1000 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestampMs: 1_764_000_000_000 + step,
    }));
    const logged = await h().clients.runs.LogBatch({
      runId: run0!.id,
      metrics: [...series, { key: 'auc', value: 0.81, step: 0 }],
      params: [{ key: 'seed', value: '7' }],
      tags: [{ key: 'team', value: 'green' }],
    });
    expect(logged.metricsLogged).toBe(1001);
    await h().clients.runs.LogBatch({
      runId: run1!.id,
      metrics: [
        { key: 'auc', value: 0.9, step: 0 },
        { key: 'loss', value: 0.3, step: 0 },
      ],
    });
    await h().clients.runs.LogBatch({
      runId: run2!.id,
      metrics: [
        { key: 'auc', value: 0.7, step: 5 },
        { key: 'auc', value: 0.95, step: 1 },
      ],
    });
    const read = await h().clients.runs.GetRun({ runId: run0!.id });
    expect(read.latestMetrics.find((m) => m.key === 'loss')).toMatchObject({ value: 1 / 1000, step: 999 });
    expect(read.tags).toEqual([{ key: 'team', value: 'green' }]);
    expect(read.params.map((p) => p.key)).toEqual(['depth', 'lr', 'seed']);
    // The highest step wins, not the last logged.
    expect((await h().clients.runs.GetRun({ runId: run2!.id })).latestMetrics[0]).toMatchObject({
      key: 'auc',
      value: 0.7,
      step: 5,
    });
    const page = await h().clients.runs.GetMetricHistory({
      runId: run0!.id,
      key: 'loss',
      page: { pageSize: 3 },
      orderBy: 'step desc',
    });
    expect(page.metrics.map((m) => m.step)).toEqual([999, 998, 997]);
    expect(page.nextPageToken).not.toBe('');
  });

  it('should read back every logged point exactly when keys have spaces and values need all 17 digits', async () => {
    const runId = runs[1]!.id;
    const values = [0.1 + 0.2, 1e-300, -1.7976931348623157e308, 123_456_789.123_456_79, 5e-324];
    await h().clients.runs.LogBatch({
      runId,
      metrics: values.map((value, step) => ({ key: 'val loss', value, step, timestampMs: 1_764_000_000_000 + step })),
    });
    const page = await h().clients.runs.GetMetricHistory({ runId, key: 'val loss', page: { pageSize: 10 } });
    expect(page.metrics.map((m) => [m.value, m.step, m.timestampMs])).toEqual(
      values.map((value, step) => [value, step, 1_764_000_000_000 + step]),
    );
    expect((await h().clients.runs.GetRun({ runId })).latestMetrics.find((m) => m.key === 'val loss')).toMatchObject({
      value: 5e-324,
      step: 4,
    });
  });

  it('should reject bad batches naming the field and keep params write-once', async () => {
    const runId = runs[0]!.id;
    await expectStatus(
      h().clients.runs.LogBatch({
        runId,
        metrics: [
          { key: 'ok', value: 1 },
          { key: 'bad key!', value: 1 },
        ],
      }),
      status.INVALID_ARGUMENT,
      'metrics[1].key',
    );
    await expectStatus(
      h().clients.runs.LogBatch({ runId, metrics: [{ key: 'x', value: Number.NaN }] }),
      status.INVALID_ARGUMENT,
      'metrics[0].value',
    );
    await expectStatus(
      h().clients.runs.LogBatch({ runId, params: [{ key: 'seed', value: '8' }] }),
      status.FAILED_PRECONDITION,
      'params.seed',
    );
    await h().clients.runs.LogBatch({ runId, params: [{ key: 'seed', value: '7' }] });
    await expectStatus(
      h().clients.runs.LogBatch({ runId: 'missing-run', metrics: [{ key: 'x', value: 1 }] }),
      status.NOT_FOUND,
      'run_id',
    );
    // The series has no foreign key on PostgreSQL (LogBatch locks the run instead): nothing was written.
    const db = h().service.app.get<DataSource>(DATA_SOURCE);
    for (const table of ['run_metrics', 'run_latest_metrics'])
      expect(await rawQuery(db, `SELECT run_id FROM ${table} WHERE run_id = ?`, ['missing-run'])).toEqual([]);
    // A rejected batch leaves nothing behind.
    expect((await h().clients.runs.GetRun({ runId })).latestMetrics.map((m) => m.key)).toEqual(['auc', 'loss']);
  });

  it('should end runs once with a terminal status when asked', async () => {
    const ended = await h().clients.runs.EndRun({
      runId: runs[3]!.id,
      status: 'RUN_STATUS_KILLED',
      endTimeMs: 1_764_000_100_000,
    });
    expect(ended).toMatchObject({ status: 'RUN_STATUS_KILLED', endTimeMs: 1_764_000_100_000 });
    await expectStatus(
      h().clients.runs.EndRun({ runId: runs[3]!.id, status: 'RUN_STATUS_FINISHED' }),
      status.FAILED_PRECONDITION,
      'status',
    );
    await expectStatus(
      h().clients.runs.EndRun({ runId: runs[2]!.id, status: 'RUN_STATUS_RUNNING' }),
      status.INVALID_ARGUMENT,
      'status',
    );
    const renamed = await h().clients.runs.UpdateRun({
      runId: runs[2]!.id,
      name: 'renamed',
      status: 'RUN_STATUS_FINISHED',
    });
    expect(renamed).toMatchObject({ name: 'renamed', status: 'RUN_STATUS_FINISHED' });
    expect(renamed.endTimeMs).toBeGreaterThan(0);
  });

  it('should search runs by params, tags, statuses and metric thresholds with ordering and pages', async () => {
    const ids = (r: { runs: Run[] }) => r.runs.map((x) => x.name);
    expect(
      ids(
        await h().clients.runs.SearchRuns({
          experimentIds: [experimentId],
          metrics: [{ key: 'auc', comparison: 'COMPARISON_GT', value: 0.75 }],
          orderBy: 'metrics.auc desc',
        }),
      ),
    ).toEqual(['run-1', 'run-0']);
    expect(
      ids(await h().clients.runs.SearchRuns({ experimentIds: [experimentId], orderBy: 'metrics.auc asc' })),
    ).toEqual(['renamed', 'run-0', 'run-1', 'run-3']);
    // Runs without the order metric come last, also when a page boundary falls on or after them.
    for (const pageSize of [1, 2, 3]) {
      const names: string[] = [];
      let pageToken = '';
      do {
        const page = await h().clients.runs.SearchRuns({
          experimentIds: [experimentId],
          orderBy: 'metrics.auc asc',
          page: { pageSize, pageToken },
        });
        names.push(...ids(page));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect({ pageSize, names }).toEqual({ pageSize, names: ['renamed', 'run-0', 'run-1', 'run-3'] });
    }
    expect(
      ids(await h().clients.runs.SearchRuns({ params: [{ key: 'depth', value: '8' }], orderBy: 'start_time' })),
    ).toEqual(['run-1', 'run-3']);
    expect(
      ids(
        await h().clients.runs.SearchRuns({ tags: [{ key: 'team', value: 'red' }], statuses: ['RUN_STATUS_KILLED'] }),
      ),
    ).toEqual(['run-3']);
    expect(
      ids(
        await h().clients.runs.SearchRuns({
          metrics: [
            { key: 'auc', comparison: 'COMPARISON_LE', value: 0.81 },
            { key: 'loss', comparison: 'COMPARISON_LT', value: 0.01 },
          ],
        }),
      ),
    ).toEqual(['run-0']);
    const first = await h().clients.runs.SearchRuns({ experimentIds: [experimentId], page: { pageSize: 3 } });
    expect(ids(first)).toEqual(['run-3', 'renamed', 'run-1']);
    const rest = await h().clients.runs.SearchRuns({
      experimentIds: [experimentId],
      page: { pageSize: 3, pageToken: first.nextPageToken },
    });
    expect(ids(rest)).toEqual(['run-0']);
    expect(rest.nextPageToken).toBe('');
    await expectStatus(h().clients.runs.SearchRuns({ orderBy: 'metrics.' }), status.INVALID_ARGUMENT, 'order_by');
    await expectStatus(
      h().clients.runs.SearchRuns({ metrics: [{ key: 'auc', comparison: 'COMPARISON_UNSPECIFIED', value: 1 }] }),
      status.INVALID_ARGUMENT,
      'metrics[0].comparison',
    );
  });

  it('should compare runs side by side and flag what differs', async () => {
    const res = await h().clients.runs.CompareRuns({ runIds: [runs[0]!.id, runs[1]!.id] });
    expect(res.runs.map((r) => r.name)).toEqual(['run-0', 'run-1']);
    expect(res.params).toEqual([
      { key: 'depth', values: ['4', '8'], differs: true },
      { key: 'lr', values: ['0.1', '0.2'], differs: true },
      { key: 'seed', values: ['7', ''], differs: true },
    ]);
    expect(res.metrics.find((m) => m.key === 'auc')).toEqual({ key: 'auc', values: ['0.81', '0.9'], differs: true });
    await expectStatus(h().clients.runs.CompareRuns({ runIds: [runs[0]!.id, 'gone'] }), status.NOT_FOUND, 'run_ids[1]');
    await expectStatus(h().clients.runs.CompareRuns({ runIds: [] }), status.INVALID_ARGUMENT, 'run_ids');
  });

  it('should refuse to attach an artifact that is not in the store or has an unsafe path', async () => {
    const runId = runs[0]!.id;
    await expectStatus(
      h().clients.runs.LogArtifact({ runId, path: 'model.onnx', sha256: sha('f') }),
      status.NOT_FOUND,
      'sha256',
    );
    await expectStatus(
      h().clients.runs.LogArtifact({ runId, path: '../../etc/passwd', sha256: sha('f') }),
      status.INVALID_ARGUMENT,
      'path',
    );
    await expectStatus(
      h().clients.runs.LogArtifact({ runId, path: '/abs', sha256: sha('f') }),
      status.INVALID_ARGUMENT,
      'path',
    );
    expect((await h().clients.runs.ListRunArtifacts({ runId })).artifacts).toEqual([]);
  });
});
