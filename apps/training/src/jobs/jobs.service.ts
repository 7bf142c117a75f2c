import { Inject, Injectable } from '@nestjs/common';
import { Outbox, uuidv7 } from '@keel/event-bus';
import { writeTransaction } from '@keel/persistence';
import { policyChange } from '@keel/runtime';
import { pageResult, readPage } from '@keel/domain';
import { traceparentOf } from '@keel/telemetry';
import { isAlgo, ALGOS, planSearch, type Algo, type SearchSpace } from '@keel/ml';
import type { ListJobsQuery, SubmitJobCommand, TrainingPolicyCommand } from './jobs.commands';
import { type JobParams, JobRow, type JobSearch, TERMINAL_STATES, type TrainingPolicyRow } from './jobs.entities';
import { JobError, jobInput } from './jobs.errors';
import { JobsRepository } from './jobs.repository';
import { JobRunner } from './job-runner';

const MAX_SEED = 0xffffffff;

/** Job use cases: submit (API and triggers), read, list, cancel, watch; training policies. */
@Injectable()
export class JobsService {
  constructor(
    private readonly repo: JobsRepository,
    @Inject(JobRunner) private readonly runner: JobRunner,
    private readonly outbox: Outbox,
  ) {}

  async submit(c: SubmitJobCommand): Promise<JobRow> {
    jobInput.name(c.dataset, 'dataset');
    jobInput.name(c.model, 'model');
    if (!isAlgo(c.algorithm)) jobInput.fail('algorithm', `must be one of ${ALGOS.join(', ')}`);
    if (!(Number.isInteger(c.seed) && c.seed >= 0 && c.seed <= MAX_SEED))
      jobInput.fail('seed', 'must be 0..4294967295');
    if (!(Number.isInteger(c.datasetVersion) && c.datasetVersion >= 0))
      jobInput.fail('dataset_version', 'must be 0 (latest) or a version');
    if (c.target) jobInput.text(c.target, 'target', 250);
    if (c.search) checkSearch(c.search, c.algorithm as Algo, c.seed);
    const now = Date.now();
    const row: JobRow = Object.assign(new JobRow(), {
      id: c.id ?? uuidv7(),
      model: c.model,
      dataset: c.dataset,
      datasetVersion: c.datasetVersion,
      snapshotSha256: '',
      algorithm: c.algorithm,
      params: c.params,
      seed: c.seed,
      target: c.target,
      state: 'queued',
      trigger: c.trigger,
      dedupeKey: c.dedupeKey ?? null,
      failureCode: '',
      failureMessage: '',
      attempts: 0,
      leaseOwner: '',
      leaseExpiresAt: 0,
      cancelRequested: false,
      progress: null,
      modelVersion: 0,
      runId: '',
      metrics: null,
      gate: null,
      search: c.search ?? null,
      bestParams: null,
      createdAt: now,
      updatedAt: now,
      startedAt: 0,
      finishedAt: 0,
      traceContext: traceparentOf(),
    } satisfies JobRow);
    const { job } = await this.repo.insertOnce(row);
    this.runner.wake();
    return job;
  }

  async get(id: string): Promise<JobRow> {
    jobInput.text(id, 'id', 128);
    const job = await this.repo.get(id);
    if (!job) throw new JobError('TRAINING_JOB_NOT_FOUND', `job ${id} not found`, 'id');
    return job;
  }

  async list(q: ListJobsQuery): Promise<{ items: JobRow[]; nextPageToken: string }> {
    const page = readPage(q.page, jobInput);
    if (q.dataset) jobInput.name(q.dataset, 'dataset');
    if (q.model) jobInput.name(q.model, 'model');
    return pageResult(await this.repo.list(q, page), page);
  }

  /** Queued: cancelled at once. Running: its worker is stopped (here, or by its owner's heartbeat). */
  async cancel(id: string): Promise<JobRow> {
    const job = await this.get(id);
    if (TERMINAL_STATES.includes(job.state)) return job;
    const now = Date.now();
    if (job.state === 'queued') {
      await this.repo.finish(id, ['queued'], null, { state: 'cancelled', finishedAt: now, updatedAt: now });
    } else {
      await this.repo.finish(id, ['running'], null, { cancelRequested: true, updatedAt: now });
      this.runner.cancelLocal(id);
    }
    return this.get(id);
  }

  /** The job now and after each change, until it ends or `signal` aborts. */
  async *watch(id: string, signal: AbortSignal): AsyncGenerator<JobRow> {
    let last = '';
    for (;;) {
      const job = await this.get(id);
      const key = `${job.updatedAt}:${job.state}:${JSON.stringify(job.progress)}`;
      if (key !== last) {
        last = key;
        yield job;
      }
      if (TERMINAL_STATES.includes(job.state) || signal.aborted) return;
      await this.runner.changed(id, 500);
    }
  }

  async setPolicy(c: TrainingPolicyCommand): Promise<TrainingPolicyRow> {
    jobInput.name(c.dataset, 'dataset');
    jobInput.name(c.model, 'model');
    if (!isAlgo(c.algorithm)) jobInput.fail('algorithm', `must be one of ${ALGOS.join(', ')}`);
    if (!(Number.isInteger(c.seed) && c.seed >= 0 && c.seed <= MAX_SEED))
      jobInput.fail('seed', 'must be 0..4294967295');
    // The change and its keel.policy.changed (the registry's audit trail) commit together.
    return writeTransaction(this.repo.dataSource, async (m) => {
      const row = await this.repo.saveTrainingPolicy({ ...c, updatedAt: Date.now() }, m);
      const { updatedAt: _, dataset, ...policy } = row;
      await this.outbox.publish(m, 'keel.policy.changed', policyChange('training', 'training', dataset, policy), {
        key: dataset,
      });
      return row;
    });
  }

  async policy(dataset: string): Promise<TrainingPolicyRow> {
    jobInput.name(dataset, 'dataset');
    const p = await this.repo.getTrainingPolicy(dataset);
    if (!p) throw new JobError('TRAINING_POLICY_NOT_FOUND', `dataset ${dataset} has no training policy`, 'dataset');
    return p;
  }

  /** keel.dataset.snapshotted: one job per dataset version when the dataset has an enabled policy. */
  async onSnapshot(dataset: string, version: number): Promise<JobRow | null> {
    const p = await this.repo.getTrainingPolicy(dataset);
    if (!p || !p.enabled) return null;
    return this.submit({
      dataset,
      datasetVersion: version,
      algorithm: p.algorithm,
      params: p.params,
      seed: p.seed,
      model: p.model,
      target: p.target,
      trigger: 'snapshot',
      dedupeKey: `${dataset}@${version}:${p.model}`,
    });
  }

  /** keel.training.requested: the request's own id is the job id (a redelivery finds the same job). */
  async onRequested(r: {
    jobId: string;
    model: string;
    dataset: string;
    datasetVersion?: number;
    algorithm?: string;
    params?: JobParams;
    target?: string;
    seed?: number;
    reason: SubmitJobCommand['trigger'] | 'manual';
  }): Promise<JobRow> {
    const p = await this.repo.getTrainingPolicy(r.dataset);
    const version = r.datasetVersion ?? 0;
    return this.submit({
      id: r.jobId,
      dataset: r.dataset,
      datasetVersion: version,
      algorithm: r.algorithm ?? p?.algorithm ?? 'gbdt',
      params: r.params ?? p?.params ?? {},
      seed: r.seed ?? p?.seed ?? 0,
      model: r.model,
      target: r.target ?? p?.target ?? '',
      trigger: r.reason,
      dedupeKey: version > 0 ? `${r.dataset}@${version}:${r.model}` : `request:${r.jobId}`,
    });
  }
}

/** Largest trial budget one job may run. */
export const MAX_TRIALS = 200;

/** A search is checked when submitted: a bad space fails the call, not the job later. */
function checkSearch(search: JobSearch, algo: Algo, seed: number): void {
  if (search.strategy !== 'grid' && search.strategy !== 'random')
    jobInput.fail('search_json.strategy', 'must be grid or random');
  if (!(Number.isInteger(search.budget) && search.budget >= 1 && search.budget <= MAX_TRIALS))
    jobInput.fail('search_json.budget', `must be an integer in 1..${MAX_TRIALS}`);
  try {
    planSearch({ algo, space: search.space as SearchSpace, strategy: search.strategy, budget: search.budget, seed });
  } catch (err) {
    jobInput.fail('search_json.space', (err as Error).message);
  }
}

/** The search_json field: empty for none. */
export function parseSearch(json: string): JobSearch | null {
  if (json.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return jobInput.fail('search_json', 'must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return jobInput.fail('search_json', 'must be a JSON object');
  const o = parsed as Record<string, unknown>;
  if (o['space'] === null || typeof o['space'] !== 'object' || Array.isArray(o['space']))
    return jobInput.fail('search_json.space', 'must be an object of parameter -> values or distribution');
  return {
    strategy: (o['strategy'] ?? 'grid') as JobSearch['strategy'],
    space: o['space'] as JobSearch['space'],
    budget: (o['budget'] ?? 20) as number,
  };
}

export function parseParams(json: string, field = 'params_json'): JobParams {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    jobInput.fail(field, 'must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    jobInput.fail(field, 'must be a JSON object');
  for (const [k, v] of Object.entries(parsed as object)) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v))
      jobInput.fail(`${field}.${k}`, 'must be a number, string, boolean or null');
  }
  return parsed as JobParams;
}
