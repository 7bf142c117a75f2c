import type { JobParams, JobSearch, JobStateName } from './jobs.entities';

export interface SubmitJobCommand {
  dataset: string;
  /** 0: the latest version when the job starts. */
  datasetVersion: number;
  algorithm: string;
  params: JobParams;
  seed: number;
  model: string;
  target: string;
  trigger: 'manual' | 'snapshot' | 'drift' | 'performance' | 'schedule';
  /** Optional hyperparameter search; the best trial's parameters are refitted. */
  search?: JobSearch | null;
  /** Set for event triggers: one job per key. */
  dedupeKey?: string;
  id?: string;
}

export interface ListJobsQuery {
  page: { pageSize?: number; pageToken?: string };
  dataset?: string;
  model?: string;
  state?: JobStateName;
}

export interface TrainingPolicyCommand {
  dataset: string;
  model: string;
  algorithm: string;
  params: JobParams;
  seed: number;
  target: string;
  enabled: boolean;
}
