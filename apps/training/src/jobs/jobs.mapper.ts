import type { trainingV1 } from '@keel/contracts';
import type { GateDecisionRecord, JobRow, JobStateName, TrainingPolicyRow } from './jobs.entities';
import { jobInput } from './jobs.errors';

const STATES: Record<JobStateName, trainingV1.JobState> = {
  queued: 'JOB_STATE_QUEUED',
  running: 'JOB_STATE_RUNNING',
  succeeded: 'JOB_STATE_SUCCEEDED',
  failed: 'JOB_STATE_FAILED',
  cancelled: 'JOB_STATE_CANCELLED',
};

const ALGOS: Record<string, trainingV1.Algorithm> = { lr: 'ALGORITHM_LR', rf: 'ALGORITHM_RF', gbdt: 'ALGORITHM_GBDT' };

export function stateFromProto(value: trainingV1.JobState | undefined): JobStateName | undefined {
  if (!value || value === 'JOB_STATE_UNSPECIFIED') return undefined;
  const hit = (Object.keys(STATES) as JobStateName[]).find((k) => STATES[k] === value);
  if (!hit) jobInput.fail('state', `unknown job state ${String(value)}`);
  return hit;
}

export function algorithmFromProto(value: trainingV1.Algorithm | undefined, field = 'algorithm'): string {
  const hit = Object.keys(ALGOS).find((k) => ALGOS[k] === value);
  if (hit === undefined) return jobInput.fail(field, 'must be ALGORITHM_LR, ALGORITHM_RF or ALGORITHM_GBDT');
  return hit;
}

export function gateToProto(g: GateDecisionRecord | null): trainingV1.GateDecision {
  if (!g) return { evaluated: false };
  return {
    evaluated: true,
    promoted: g.promoted,
    reasons: g.reasons,
    championVersion: g.championVersion ?? 0,
    metric: g.metric,
    challengerValue: g.challengerValue,
    championValue: g.championValue ?? 0,
    rows: g.rows,
    forced: g.forced,
  };
}

export function jobToProto(j: JobRow): trainingV1.Job {
  return {
    id: j.id,
    model: j.model,
    dataset: j.dataset,
    datasetVersion: j.datasetVersion,
    snapshotSha256: j.snapshotSha256,
    algorithm: ALGOS[j.algorithm] ?? 'ALGORITHM_UNSPECIFIED',
    paramsJson: JSON.stringify(j.params),
    seed: j.seed,
    target: j.target,
    state: STATES[j.state],
    trigger: j.trigger,
    failureCode: j.failureCode,
    failureMessage: j.failureMessage,
    attempts: j.attempts,
    progress: j.progress ?? { stage: j.state },
    modelVersion: j.modelVersion,
    runId: j.runId,
    metricsJson: j.metrics ? JSON.stringify(j.metrics) : '',
    gate: gateToProto(j.gate),
    createdAtMs: j.createdAt,
    startedAtMs: j.startedAt,
    finishedAtMs: j.finishedAt,
    leaseOwner: j.state === 'running' ? j.leaseOwner : '',
    searchJson: j.search ? JSON.stringify(j.search) : '',
    bestParamsJson: j.bestParams ? JSON.stringify(j.bestParams) : '',
  };
}

export function policyToProto(p: TrainingPolicyRow): trainingV1.TrainingPolicy {
  return {
    dataset: p.dataset,
    model: p.model,
    algorithm: ALGOS[p.algorithm] ?? 'ALGORITHM_UNSPECIFIED',
    paramsJson: JSON.stringify(p.params),
    seed: p.seed,
    target: p.target,
    enabled: p.enabled,
  };
}
