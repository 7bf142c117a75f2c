// A job's hyperparameter search: the trials libs/ml plans (grid or seeded random, within the budget)
// run across the worker pool, each fitted on the job's train rows and scored on its validation rows,
// each logged as a child run; the best by validation AUC (ties to the lower trial) is what the job
// then trains and refits.
import { type Algo, bestTrial, planSearch, type SearchSpace, type Trial, type TrialResult } from '@keel/ml';
import type { RegistryGateway } from '../registry/registry-gateway';
import { TaskFailed, type WorkerPool } from '../worker/worker-pool';
import type { JobParams, JobProgress, JobRow, JobSearch } from './jobs.entities';
import { JobFailure } from './jobs.errors';

export interface SearchContext {
  registry: RegistryGateway;
  pool: WorkerPool;
  parquet: Buffer;
  target: string;
  idColumn?: string;
  snapshotSha256: string;
  signal: AbortSignal;
  report: (p: JobProgress) => void;
}

export interface SearchOutcome {
  best: JobParams;
  childRunIds: string[];
  trials: number;
  bestScore: number;
}

export async function runSearch(job: JobRow, search: JobSearch, c: SearchContext): Promise<SearchOutcome> {
  let trials: Trial[];
  try {
    trials = planSearch({
      algo: job.algorithm as Algo,
      space: search.space as SearchSpace,
      strategy: search.strategy,
      budget: search.budget,
      seed: job.seed,
    });
  } catch (err) {
    throw new JobFailure('INVALID_PARAMS', `search: ${(err as Error).message}`);
  }
  const experimentId = await c.registry.experimentId(job.model, c.signal);
  const results: TrialResult[] = new Array<TrialResult>(trials.length);
  const childRunIds: string[] = new Array<string>(trials.length);
  let next = 0;
  let done = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < trials.length) {
      const trial = trials[next++];
      const params = { ...job.params, ...trial.params };
      let score = Number.NaN;
      let metrics: Record<string, number> = {};
      try {
        const out = await c.pool.trial(
          {
            kind: 'trial',
            parquet: new Uint8Array(c.parquet),
            target: c.target,
            idColumn: c.idColumn,
            algo: job.algorithm as Algo,
            params,
            seed: job.seed,
          },
          c.signal,
        );
        metrics = out.validation;
        score = metrics.auc ?? Number.NaN;
      } catch (err) {
        if (!(err instanceof TaskFailed)) throw err;
      }
      results[trial.id] = { trial, score };
      childRunIds[trial.id] = await logTrial(c, experimentId, job, trial, params, metrics);
      done++;
      const elapsed = Date.now() - started;
      c.report({
        stage: 'search',
        iteration: done,
        total: trials.length,
        metric: 'validation_auc',
        value: Number.isNaN(score) ? 0 : score,
        etaMs: Math.round((elapsed / done) * (trials.length - done)),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(c.pool.size, trials.length)) }, () => worker()));
  const best = bestTrial(results, 'max');
  if (!best) throw new JobFailure('TRAINING_ERROR', `search: none of the ${trials.length} trials could be fitted`);
  return { best: { ...best.trial.params }, childRunIds, trials: trials.length, bestScore: best.score };
}

async function logTrial(
  c: SearchContext,
  experimentId: string,
  job: JobRow,
  trial: Trial,
  params: JobParams,
  metrics: Record<string, number>,
): Promise<string> {
  const runId = await c.registry.createRun(
    {
      experimentId,
      name: `${job.algorithm} trial ${trial.id} (job ${job.id})`,
      snapshotSha256: c.snapshotSha256,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)])),
      tags: { 'keel.job_id': job.id, 'keel.search_trial': String(trial.id) },
    },
    c.signal,
  );
  await c.registry.logMetrics(
    runId,
    Object.entries(metrics).map(([k, value]) => ({ key: `validation_${k}`, value, step: 0 })),
    c.signal,
  );
  await c.registry.endRun(runId, Object.keys(metrics).length > 0, c.signal);
  return runId;
}
