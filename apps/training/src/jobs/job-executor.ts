// One job from snapshot to registered (and maybe promoted) model version: read the snapshot (sha256
// checked), train in a worker thread, log the run, register the version with its lineage, run the gate.
import { Inject, Injectable } from '@nestjs/common';
import type { registryV1 } from '@keel/contracts';
import { isAlgo } from '@keel/ml';
import { withSpan } from '@keel/telemetry';
import type { SpanContext } from '@opentelemetry/api';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNotFound, RegistryGateway } from '../registry/registry-gateway';
import { PromotionGate } from '../promotion/promotion-gate';
import type { TaskProgress } from '../worker/train-task';
import { TaskFailed, WorkerPool } from '../worker/worker-pool';
import { snapshotParquet } from './snapshot-parquet';
import { JobFailure } from './jobs.errors';
import type { GateDecisionRecord, JobMetrics, JobParams, JobProgress, JobRow } from './jobs.entities';
import { runSearch, type SearchOutcome } from './job-search';
import { REGISTRY, WORKER_POOL } from '../common/tokens';

export interface JobOutcome {
  datasetVersion: number;
  snapshotSha256: string;
  runId: string;
  modelVersion: number;
  artifactSha256: string;
  artifactUri: string;
  metrics: JobMetrics;
  gate: GateDecisionRecord;
  /** The parameters the search chose (null without a search). */
  bestParams: JobParams | null;
}

const ML_INVALID = new Set(['ML_INVALID_PARAMS', 'ML_MISSING_COLUMN', 'ML_INVALID_VALUE', 'ML_TOO_FEW_ROWS']);

let codeVersionCache: string | null = null;
/** The git commit of the workspace, or the package version where there is no repository. */
export function codeVersion(): string {
  if (codeVersionCache) return codeVersionCache;
  const root = join(__dirname, '../../../..');
  try {
    const head = readFileSync(join(root, '.git'), 'utf8').trim();
    // A worktree's .git is a file pointing at the git dir.
    const gitDir = head.startsWith('gitdir:') ? head.slice(7).trim() : join(root, '.git');
    const ref = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(ref)) return (codeVersionCache = `git:${ref}`);
    const name = ref.replace(/^ref: /, '');
    for (const dir of [gitDir, readCommonDir(gitDir)]) {
      try {
        return (codeVersionCache = `git:${readFileSync(join(dir, name), 'utf8').trim()}`);
      } catch {
        // packed or elsewhere
      }
    }
  } catch {
    // not a repository
  }
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    return (codeVersionCache = `${pkg.name}@${pkg.version}`);
  } catch {
    return (codeVersionCache = 'keel@unknown');
  }
}

function readCommonDir(gitDir: string): string {
  try {
    return join(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

/** The Parquet artifact of a snapshot: its sha256 from a keel-artifact: URI, else the snapshot's own. */
export function snapshotArtifactSha(s: registryV1.Snapshot__Output): string {
  const m = /([0-9a-f]{64})(?:\.parquet)?$/.exec(s.artifactUri);
  return m ? m[1] : s.sha256;
}

@Injectable()
export class JobExecutor {
  constructor(
    @Inject(REGISTRY) private readonly registry: RegistryGateway,
    @Inject(WORKER_POOL) private readonly pool: WorkerPool,
    private readonly gate: PromotionGate,
  ) {}

  async run(job: JobRow, signal: AbortSignal, report: (p: JobProgress) => void): Promise<JobOutcome> {
    if (!isAlgo(job.algorithm)) throw new JobFailure('INVALID_PARAMS', `unknown algorithm "${job.algorithm}"`);
    report(stage('download'));
    const dataset = await this.required(() => this.registry.dataset(job.dataset, signal), `dataset ${job.dataset}`);
    const snapshot = await this.required(
      () => this.registry.snapshot(job.dataset, job.datasetVersion, signal),
      `dataset ${job.dataset} version ${job.datasetVersion || 'latest'}`,
    );
    const target = job.target || dataset.target;
    if (!target) throw new JobFailure('INVALID_PARAMS', `dataset ${job.dataset} declares no target; pass one`);
    const parquetSha = snapshotArtifactSha(snapshot);
    const artifact = await this.required(() => this.registry.download(parquetSha, signal), `snapshot ${parquetSha}`);
    const actual = createHash('sha256').update(artifact).digest('hex');
    if (actual !== parquetSha)
      throw new JobFailure('DATA_INTEGRITY', `snapshot bytes hash to ${actual}, expected ${parquetSha}`);
    const parquet = await snapshotParquet(artifact, (sha) =>
      this.required(() => this.registry.download(sha, signal), `snapshot part ${sha}`),
    );

    // An earlier attempt (the process died after registering) already did the work: reuse its version.
    const earlier = await this.registry.versionOfJob(job.model, job.id, signal);
    const champion = await this.registry.champion(job.model, signal);
    if (earlier) return this.resume(job, earlier, snapshot.version);

    let search: SearchOutcome | null = null;
    if (job.search) {
      report({ ...stage('search'), total: job.search.budget });
      search = await runSearch(job, job.search, {
        registry: this.registry,
        pool: this.pool,
        parquet,
        target,
        idColumn: dataset.entityKey || undefined,
        snapshotSha256: snapshot.sha256,
        signal,
        report,
      });
    }
    const trainParams: JobParams = { ...job.params, ...(search?.best ?? {}) };
    const championBytes = champion ? await this.registry.download(champion.artifactSha256, signal) : null;
    const started = Date.now();
    const out = await this.pool
      .train(
        {
          kind: 'train',
          parquet: new Uint8Array(parquet),
          target,
          idColumn: dataset.entityKey || undefined,
          algo: job.algorithm,
          params: trainParams,
          seed: job.seed,
          champion: championBytes ? new Uint8Array(championBytes) : null,
        },
        (p) => report(progressOf(p, started)),
        signal,
      )
      .catch((err: unknown) => {
        if (err instanceof TaskFailed) {
          const invalid = ML_INVALID.has(err.code) || err.errorName === 'MlError';
          throw new JobFailure(invalid ? 'INVALID_PARAMS' : 'TRAINING_ERROR', err.message);
        }
        throw err;
      });

    report(stage('register'));
    const experimentId = await this.registry.experimentId(job.model, signal);
    const params: Record<string, string> = {
      algorithm: job.algorithm,
      seed: String(job.seed),
      target,
      ...Object.fromEntries(Object.entries(trainParams).map(([k, v]) => [k, JSON.stringify(v)])),
      ...(search
        ? { 'search.trials': String(search.trials), 'search.best_validation_auc': String(search.bestScore) }
        : {}),
      ...Object.fromEntries(Object.entries(out.refitParams).map(([k, v]) => [`refit.${k}`, JSON.stringify(v)])),
    };
    const lineage = {
      'keel.job_id': job.id,
      'keel.dataset': job.dataset,
      'keel.dataset_version': String(snapshot.version),
      'keel.snapshot_sha256': snapshot.sha256,
      'keel.seed': String(job.seed),
      'keel.code_version': codeVersion(),
      'keel.split': `stratified seed=${job.seed} validation=0.2 test=0.2 rows=${out.rows.train}/${out.rows.validation}/${out.rows.test}`,
    };
    const runId = await this.registry.createRun(
      {
        experimentId,
        name: `${job.algorithm} seed ${job.seed} on ${job.dataset} v${snapshot.version}`,
        snapshotSha256: snapshot.sha256,
        params,
        tags: lineage,
      },
      signal,
    );
    // The trials are this run's children.
    for (const child of search?.childRunIds ?? [])
      await this.registry.tagRun(child, { 'keel.parent_run_id': runId }, signal);
    await this.registry.logMetrics(
      runId,
      [
        ...out.series,
        ...Object.entries(out.metrics.validation).map(([k, value]) => ({ key: `validation_${k}`, value, step: 0 })),
        ...Object.entries(out.metrics.test).map(([k, value]) => ({ key: `test_${k}`, value, step: 0 })),
      ],
      signal,
    );
    const onnx = await this.registry.upload(out.onnx, signal);
    const card = await this.registry.upload(Buffer.from(JSON.stringify(out.card, null, 2)), signal);
    const importances = await this.registry.upload(Buffer.from(JSON.stringify(out.card.importances, null, 2)), signal);
    await this.registry.logArtifact(runId, 'model.onnx', onnx.sha256, signal);
    await this.registry.logArtifact(runId, 'model-card.json', card.sha256, signal);
    await this.registry.logArtifact(runId, 'importances.json', importances.sha256, signal);
    await this.registry.endRun(runId, true, signal);
    await this.registry.ensureModel(job.model, signal);
    let registered: SpanContext | undefined;
    const version = await withSpan('register model version', async (span) => {
      registered = span.spanContext();
      const v = await this.registry.createVersion(
        {
          model: job.model,
          runId,
          snapshotSha256: snapshot.sha256,
          artifactSha256: onnx.sha256,
          format: 'MODEL_FORMAT_ONNX',
          signature: out.signature,
          description: `${job.algorithm} on ${job.dataset} v${snapshot.version} (job ${job.id})`,
          tags: Object.entries({ ...lineage, 'keel.run_id': runId, 'keel.params': JSON.stringify(trainParams) }).map(
            ([key, value]) => ({ key, value }),
          ),
        },
        signal,
      );
      span.setAttributes({ 'keel.model': job.model, 'keel.model.version': v.version, 'keel.run.id': runId });
      return v;
    });

    report(stage('gate'));
    // The gate judges the version just registered: linked to its registration.
    const gate = await withSpan(
      'promotion gate',
      async (span) => {
        const d = await this.gate.decideAfterTraining({
          model: job.model,
          version: version.version,
          challenger: out.metrics.test,
          challengerInputs: out.signature.inputs,
          champion,
          championScore: out.champion,
          rows: out.rows.test,
          actor: `training job ${job.id}`,
        });
        span.setAttributes({
          'keel.model': job.model,
          'keel.model.version': version.version,
          'keel.gate.promoted': d.promoted,
        });
        return d;
      },
      { links: registered ? [{ context: registered, attributes: { 'keel.link': 'registered' } }] : [] },
    );
    return {
      datasetVersion: snapshot.version,
      snapshotSha256: snapshot.sha256,
      runId,
      modelVersion: version.version,
      artifactSha256: onnx.sha256,
      artifactUri: version.artifactUri,
      metrics: out.metrics,
      gate,
      bestParams: search?.best ?? null,
    };
  }

  /** The version a dead attempt registered: its gate decision (run again if it was never recorded). */
  private async resume(job: JobRow, v: registryV1.ModelVersion__Output, datasetVersion: number): Promise<JobOutcome> {
    const tag = (k: string): string | undefined => v.tags.find((t) => t.key === k)?.value;
    const runId = tag('keel.run_id') ?? v.runId;
    const run = await this.registry.r.runs.GetRun({ runId });
    const metrics: JobMetrics = { validation: {}, test: {} };
    for (const m of run.latestMetrics) {
      if (m.key.startsWith('validation_') && m.key !== 'validation_loss') metrics.validation[m.key.slice(11)] = m.value;
      if (m.key.startsWith('test_')) metrics.test[m.key.slice(5)] = m.value;
    }
    const recorded = tag('keel.gate.decision');
    const gate: GateDecisionRecord = recorded
      ? (parseRecord(tag('keel.gate.record')) ?? {
          promoted: recorded === 'promoted',
          reasons: [],
          championVersion: null,
          metric: 'auc',
          challengerValue: metrics.test.auc ?? 0,
          championValue: null,
          rows: 0,
          forced: false,
        })
      : await this.gate.decideForVersion(job.model, v.version, `training job ${job.id}`, false);
    return {
      datasetVersion,
      snapshotSha256: v.snapshotSha256,
      runId,
      modelVersion: v.version,
      artifactSha256: v.artifactSha256,
      artifactUri: v.artifactUri,
      metrics,
      gate,
      bestParams: null,
    };
  }

  private async required<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err)) throw new JobFailure('DATA_UNAVAILABLE', `${what} not found in the registry`);
      throw err;
    }
  }
}

/** The gate record tag (truncated to the registry's tag size it may no longer parse: then null). */
function parseRecord(text: string | undefined): GateDecisionRecord | null {
  try {
    return text ? (JSON.parse(text) as GateDecisionRecord) : null;
  } catch {
    return null;
  }
}

const stage = (name: string): JobProgress => ({ stage: name, iteration: 0, total: 0, metric: '', value: 0, etaMs: 0 });

function progressOf(p: TaskProgress, started: number): JobProgress {
  const elapsed = Date.now() - started;
  // The refit repeats the fit on more rows: count both as one pass of 2 * total steps.
  const done = (p.stage === 'refit' ? p.total : 0) + p.iteration;
  const all = p.total * 2;
  return {
    stage: p.stage,
    iteration: p.iteration,
    total: p.total,
    metric: p.validationLoss !== undefined ? 'validation_loss' : '',
    value: p.validationLoss ?? 0,
    etaMs: done > 0 && all > done ? Math.round((elapsed / done) * (all - done)) : 0,
  };
}
