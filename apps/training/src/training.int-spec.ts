// The training service end to end on real parts: the embedded Kafka-wire broker, a real registry
// process, and training as its own process. A snapshot registered in the registry (as ingestion does)
// triggers a job by policy; the job registers and promotes v1; shifted data gives v2, which the gate
// refuses with reasons; a job whose process is killed -9 mid-training is re-queued and finishes once.
import { EventBus } from '@keel/event-bus';
import type { EventPayload, trainingV1 } from '@keel/contracts';
import { registryClients, trainingClients, type RegistryClients, type TrainingClients } from '@keel/clients';
import {
  spawnTs,
  startBroker,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChurnColumns, publishSnapshot, shiftChurn, type TextColumns } from './testing/churn-snapshot';

const START = { readyTimeoutMs: 120_000 };

describe('training service on the real broker and registry', () => {
  let broker: TestBroker;
  let registry: ServiceProcess;
  let training: ServiceProcess;
  let trainingDir: string;
  let reg: RegistryClients;
  let t: TrainingClients;
  let bus: EventBus;
  let churn: TextColumns;
  const promoted: EventPayload<'keel.model.promoted'>[] = [];
  const completed: EventPayload<'keel.training.completed'>[] = [];
  const refusedEvents: EventPayload<'keel.model.promotion_refused'>[] = [];

  const startTraining = (): Promise<ServiceProcess> =>
    startServiceProcess('training', {
      ...START,
      dataDir: trainingDir,
      env: {
        KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_TRAINING_WORKERS: '1',
        KEEL_TRAINING_LEASE_MS: '1500',
        KEEL_TRAINING_POLL_MS: '100',
      },
    });
  const useTraining = (p: ServiceProcess): void => {
    training = p;
    t?.close();
    t = trainingClients(p.grpcAddress);
  };

  const finished = (id: string, timeout = 180_000): Promise<trainingV1.Job__Output> =>
    waitFor(
      async () => {
        const job = await t.jobs.GetJob({ id });
        return ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'].includes(job.state) ? job : undefined;
      },
      { timeoutMs: timeout, intervalMs: 200 },
    );

  /** Runs `keel <args>` against the started services; resolves with exit code and stdout. */
  const keel = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((resolve) => {
      const child = spawnTs(
        'apps/cli/src/main.ts',
        {
          ...process.env,
          KEEL_TRAINING_ADDRESS: training.grpcAddress,
          KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        },
        args,
      );
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) => resolve({ code, out, err }));
    });

  beforeAll(async () => {
    churn = loadChurnColumns();
    broker = await startBroker();
    registry = await startServiceProcess('registry', {
      ...START,
      env: { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' },
    });
    reg = registryClients(registry.grpcAddress);
    trainingDir = mkdtempSync(join(tmpdir(), 'keel-training-it-'));
    useTraining(await startTraining());
    bus = new EventBus({ clientId: 'test-training-watch', brokers: broker.brokers, source: 'keel/test' });
    await bus.connect();
    await bus.subscribe('keel.model.promoted', async (e) => void promoted.push(e.data), { group: 'test-promoted' });
    await bus.subscribe('keel.training.completed', async (e) => void completed.push(e.data), { group: 'test-done' });
    await bus.subscribe('keel.model.promotion_refused', async (e) => void refusedEvents.push(e.data), {
      group: 'test-refused',
    });
  }, 300_000);

  afterAll(async () => {
    t?.close();
    reg?.close();
    await bus?.close();
    await training?.stop();
    await registry?.stop();
    await broker?.stop();
    rmSync(trainingDir, { recursive: true, force: true });
  }, 60_000);

  it('should train, register and promote v1 when a snapshot of a dataset with a policy arrives', async () => {
    await t.jobs.SetTrainingPolicy({
      dataset: 'churn',
      model: 'churn',
      algorithm: 'ALGORITHM_LR',
      paramsJson: '{}',
      seed: 7,
      enabled: true,
    });
    const snap = await publishSnapshot(registry.grpcAddress, 'churn', churn);
    expect(snap.version).toBe(1);
    const job = await waitFor(
      async () => (await t.jobs.ListJobs({ dataset: 'churn' })).jobs.find((j) => j.datasetVersion === 1),
      { timeoutMs: 60_000 },
    );
    const done = await finished(job.id);
    expect(done).toMatchObject({ state: 'JOB_STATE_SUCCEEDED', trigger: 'snapshot', modelVersion: 1 });
    expect(done.snapshotSha256).toBe(snap.sha256);
    expect(done.gate).toMatchObject({ evaluated: true, promoted: true, championVersion: 0 });
    const metrics = JSON.parse(done.metricsJson) as { test: { auc: number } };
    expect(metrics.test.auc).toBeGreaterThan(0.8);

    const v1 = await reg.models.GetModelVersionByAlias({ model: 'churn', alias: 'production' });
    expect(v1.version).toBe(1);
    const tags = Object.fromEntries(v1.tags.map((x) => [x.key, x.value]));
    expect(tags).toMatchObject({ 'keel.snapshot_sha256': snap.sha256, 'keel.seed': '7', 'keel.job_id': job.id });
    expect(tags['keel.code_version']).toMatch(/^(git:[0-9a-f]{40}|keel@)/);
    expect(v1.signature?.inputs.map((i) => i.name)).toContain('Tenure');
    const run = await reg.runs.GetRun({ runId: done.runId });
    expect(run.latestMetrics.map((m) => m.key)).toEqual(expect.arrayContaining(['test_auc', 'validation_auc']));
    const artifacts = await reg.runs.ListRunArtifacts({ runId: done.runId });
    expect(artifacts.artifacts.map((a) => a.path).sort()).toEqual([
      'importances.json',
      'model-card.json',
      'model.onnx',
    ]);
    await waitFor(() => promoted.find((p) => p.model === 'churn' && p.toVersion === 1), { timeoutMs: 60_000 });
    await waitFor(() => completed.find((c) => c.jobId === job.id), { timeoutMs: 60_000 });

    // A redelivered trigger for the same version makes no second job.
    const again = await t.jobs.ListJobs({ dataset: 'churn', model: 'churn' });
    expect(again.jobs.filter((j) => j.datasetVersion === 1)).toHaveLength(1);

    // Retraining the same version with the same params and seed gives byte-identical ONNX.
    const retrain = await t.jobs.SubmitJob({
      dataset: 'churn',
      datasetVersion: 1,
      algorithm: 'ALGORITHM_LR',
      seed: 7,
      model: 'churn-repro',
    });
    expect((await finished(retrain.id)).state).toBe('JOB_STATE_SUCCEEDED');
    const repro = await reg.models.GetModelVersion({ model: 'churn-repro', version: 1 });
    expect(repro.artifactSha256).toBe(v1.artifactSha256);
  }, 300_000);

  it('should refuse v2 trained on shifted data with reasons that match the metrics', async () => {
    await publishSnapshot(registry.grpcAddress, 'churn', shiftChurn(churn));
    const job = await waitFor(
      async () =>
        (await t.jobs.ListJobs({ dataset: 'churn', model: 'churn' })).jobs.find((j) => j.datasetVersion === 2),
      { timeoutMs: 60_000 },
    );
    const done = await finished(job.id);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    expect(done.modelVersion).toBe(2);
    const gate = done.gate!;
    expect(gate).toMatchObject({ evaluated: true, promoted: false, championVersion: 1, metric: 'auc' });
    expect(gate.reasons.join('\n')).toContain('signature differs from production v1; missing inputs Tenure:FP32');
    const metrics = JSON.parse(done.metricsJson) as { test: { auc: number } };
    expect(gate.challengerValue).toBeCloseTo(metrics.test.auc, 12);
    const regression = gate.reasons.find((r) => r.startsWith('auc '));
    if (gate.championValue > gate.challengerValue)
      expect(regression).toContain(
        `auc ${gate.challengerValue.toFixed(4)} vs production v1 ${gate.championValue.toFixed(4)}`,
      );
    expect((await reg.models.GetModelVersionByAlias({ model: 'churn', alias: 'production' })).version).toBe(1);
    const v2 = await reg.models.GetModelVersion({ model: 'churn', version: 2 });
    expect(v2.tags.find((x) => x.key === 'keel.gate.decision')?.value).toBe('rejected');
    const event = await waitFor(async () => refusedEvents.find((e) => e.model === 'churn' && e.version === 2), {
      timeoutMs: 60_000,
    });
    expect(event).toMatchObject({
      decision: 'rejected',
      alias: 'production',
      championVersion: 1,
      reasons: gate.reasons,
      comparison: { metric: 'auc', challenger: gate.challengerValue, rows: gate.rows },
      requestedBy: `training job ${job.id}`,
    });
  }, 300_000);

  it('should re-queue a job whose process was killed mid-training and finish it once', async () => {
    // A second process on the same database takes over; starting it first keeps the test short (a
    // process started after the kill would wait for Kafka to drop the dead consumer-group member).
    const second = await startTraining();
    const job = await t.jobs.SubmitJob({
      dataset: 'churn',
      datasetVersion: 1,
      algorithm: 'ALGORITHM_RF',
      paramsJson: '{"nTrees":30}',
      seed: 3,
      model: 'churn-rf',
    });
    const running = await waitFor(
      async () => {
        const j = await t.jobs.GetJob({ id: job.id });
        return j.state === 'JOB_STATE_RUNNING' && j.progress?.stage === 'train' && j.progress.iteration > 0
          ? j
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    const [victim, survivor] =
      running.leaseOwner.split(':')[1] === String(second.child.pid) ? [second, training] : [training, second];
    await victim.stop('SIGKILL');
    useTraining(survivor);
    const done = await finished(job.id, 240_000);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    expect(done.attempts).toBe(2);
    const versions = await reg.models.ListModelVersions({ model: 'churn-rf' });
    expect(versions.versions).toHaveLength(1);
    expect(versions.versions[0].tags.find((x) => x.key === 'keel.job_id')?.value).toBe(job.id);
  }, 420_000);

  it('should cancel a running job and report bad input with the field named', async () => {
    const job = await t.jobs.SubmitJob({
      dataset: 'churn',
      datasetVersion: 1,
      algorithm: 'ALGORITHM_RF',
      paramsJson: '{"nTrees":2000}',
      seed: 1,
      model: 'churn-cancel',
    });
    await waitFor(async () => (await t.jobs.GetJob({ id: job.id })).progress?.stage === 'train', {
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    await t.jobs.CancelJob({ id: job.id });
    const done = await finished(job.id, 30_000);
    expect(done).toMatchObject({ state: 'JOB_STATE_CANCELLED', failureCode: 'CANCELLED' });

    const err = await t.jobs
      .SubmitJob({ dataset: 'churn', algorithm: 'ALGORITHM_UNSPECIFIED', seed: 1, model: 'x' })
      .catch((e: { code: number; metadata: { get(k: string): unknown[] } }) => e);
    expect((err as { code: number }).code).toBe(3);
    expect((err as { metadata: { get(k: string): unknown[] } }).metadata.get('keel-field')).toEqual(['algorithm']);
  }, 200_000);

  it('should train, gate, promote, roll back and download through the CLI', async () => {
    const trained = await keel([
      'train',
      '--dataset',
      'churn',
      '--version',
      '1',
      '--algo',
      'lr',
      '--seed',
      '7',
      '--model',
      'churn-cli',
      '--wait',
      '--json',
    ]);
    expect(trained.err).toBe('');
    const job = JSON.parse(trained.out) as { state: string; modelVersion: number; gate: { promoted: boolean } };
    expect(job).toMatchObject({ state: 'succeeded', modelVersion: 1, gate: { promoted: true } });

    const refused = await keel(['models', 'promote', 'churn', '--version', '2', '--json']);
    expect(refused.code).toBe(1);
    const d = JSON.parse(refused.out) as { promoted: boolean; reasons: string[] };
    expect(d.promoted).toBe(false);
    expect(d.reasons.join('\n')).toContain('missing inputs Tenure:FP32');

    const forced = await keel(['models', 'promote', 'churn', '--version', '2', '--force', '--json']);
    expect(JSON.parse(forced.out)).toMatchObject({ promoted: true, forced: true, fromVersion: 1, toVersion: 2 });
    const back = await keel(['models', 'rollback', 'churn', '--json']);
    expect(JSON.parse(back.out)).toEqual({ model: 'churn', fromVersion: 2, toVersion: 1 });

    const out = join(trainingDir, 'prod.onnx');
    const dl = await keel(['models', 'download', 'churn', '--alias', 'production', '--out', out, '--json']);
    expect(JSON.parse(dl.out)).toMatchObject({ version: 1 });
    const v1 = await reg.models.GetModelVersion({ model: 'churn', version: 1 });
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(v1.artifactSha256);

    const shown = JSON.parse((await keel(['models', 'show', 'churn', '--version', '2', '--json'])).out) as {
      lineage: { datasetVersion: number; seed: number };
      gate: { promoted: boolean; forced: boolean };
    };
    expect(shown.lineage).toMatchObject({ datasetVersion: 2, seed: 7 });
    expect(shown.gate).toMatchObject({ promoted: true, forced: true });
  }, 240_000);

  it('should train once per keel.training.requested and apply the policy set with the CLI', async () => {
    const set = await keel(['models', 'policy', 'churn-req', '--min', 'auc=0.99', '--json']);
    expect(JSON.parse(set.out)).toMatchObject({ model: 'churn-req', minMetrics: { auc: 0.99 }, compareMetric: 'auc' });
    const request = {
      jobId: 'retrain-0001',
      model: 'churn-req',
      dataset: 'churn',
      datasetVersion: 1,
      algorithm: 'lr',
      seed: 2,
      reason: 'drift' as const,
    };
    await bus.publish('keel.training.requested', request, { key: request.jobId });
    await bus.publish('keel.training.requested', request, { key: request.jobId });
    const done = await waitFor(
      async () => {
        const j = await t.jobs.GetJob({ id: request.jobId }).catch(() => undefined);
        return j && j.finishedAtMs > 0 ? j : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(done).toMatchObject({ state: 'JOB_STATE_SUCCEEDED', trigger: 'drift', modelVersion: 1 });
    expect(done.gate).toMatchObject({ promoted: false });
    expect(done.gate!.reasons[0]).toMatch(/^auc 0\.\d{4} < 0\.99 \(minimum\)$/);
    expect((await t.jobs.ListJobs({ model: 'churn-req' })).jobs).toHaveLength(1);
  }, 180_000);

  it('should run a search as child runs and refit the best trial', async () => {
    const job = await t.jobs.SubmitJob({
      dataset: 'churn',
      datasetVersion: 1,
      algorithm: 'ALGORITHM_LR',
      seed: 4,
      model: 'churn-search',
      searchJson: JSON.stringify({ strategy: 'grid', space: { C: [0.01, 1] }, budget: 2 }),
    });
    const done = await finished(job.id);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    const best = JSON.parse(done.bestParamsJson) as { C: number };
    expect([0.01, 1]).toContain(best.C);
    const runs = await reg.runs.SearchRuns({ tags: [{ key: 'keel.job_id', value: job.id }] });
    const trials = runs.runs.filter((r) => r.tags.some((x) => x.key === 'keel.search_trial'));
    expect(trials).toHaveLength(2);
    for (const r of trials) expect(r.tags).toContainEqual({ key: 'keel.parent_run_id', value: done.runId });
    const scores = trials.map((r) => r.latestMetrics.find((m) => m.key === 'validation_auc')!.value);
    const winner = trials[scores.indexOf(Math.max(...scores))];
    expect(winner.params.find((p) => p.key === 'C')?.value).toBe(JSON.stringify(best.C));
    const main = await reg.runs.GetRun({ runId: done.runId });
    expect(main.params).toContainEqual({ key: 'C', value: JSON.stringify(best.C) });

    const bad = await t.jobs
      .SubmitJob({
        dataset: 'churn',
        algorithm: 'ALGORITHM_LR',
        seed: 4,
        model: 'churn-search',
        searchJson: JSON.stringify({ strategy: 'grid', space: { C: { kind: 'uniform', low: 0, high: 1 } }, budget: 2 }),
      })
      .catch((e: { code: number; metadata: { get(k: string): unknown[] } }) => e);
    expect((bad as { code: number }).code).toBe(3);
    expect((bad as { metadata: { get(k: string): unknown[] } }).metadata.get('keel-field')).toEqual([
      'search_json.space',
    ]);
  }, 180_000);
});
