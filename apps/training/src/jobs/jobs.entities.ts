import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@keel/persistence';

/** Learner parameters: scalar JSON values, as keel.training.* events carry them. */
export type JobParams = Record<string, string | number | boolean | null>;

export type JobStateName = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const TERMINAL_STATES: readonly JobStateName[] = ['succeeded', 'failed', 'cancelled'];

export interface JobProgress {
  stage: string;
  iteration: number;
  total: number;
  metric: string;
  value: number;
  etaMs: number;
}

export interface GateDecisionRecord {
  promoted: boolean;
  reasons: string[];
  championVersion: number | null;
  metric: string;
  challengerValue: number;
  championValue: number | null;
  rows: number;
  forced: boolean;
}

type Scalar = number | string | boolean;
/** A list of values, or a distribution as libs/ml's SearchSpace declares it. */
export type SearchDimension =
  Scalar[] | { kind: string; low?: number; high?: number; log?: boolean; values?: Scalar[] };

/** A declared hyperparameter search (libs/ml planSearch) with its trial budget. */
export interface JobSearch {
  strategy: 'grid' | 'random';
  space: Record<string, SearchDimension>;
  budget: number;
}

export interface JobMetrics {
  validation: Record<string, number>;
  test: Record<string, number>;
}

@Entity({ name: 'training_jobs' })
@Index('training_jobs_state_idx', ['state', 'createdAt'])
export class JobRow {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'varchar', length: 63 })
  dataset!: string;

  /** 0 until "latest" is resolved. */
  @Column({ name: 'dataset_version', type: 'integer' })
  datasetVersion!: number;

  @Column({ name: 'snapshot_sha256', type: 'varchar', length: 64 })
  snapshotSha256!: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  @Column({ type: 'text', transformer: jsonText<JobParams>() })
  params!: JobParams;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seed!: number;

  @Column({ type: 'varchar', length: 250 })
  target!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: JobStateName;

  @Column({ type: 'varchar', length: 16 })
  trigger!: string;

  /** One job per trigger key (dataset version + model) for event triggers; null for API submits. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 250, nullable: true, unique: true })
  dedupeKey!: string | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 32 })
  failureCode!: string;

  @Column({ name: 'failure_message', type: 'text' })
  failureMessage!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64 })
  leaseOwner!: string;

  @Column({ name: 'lease_expires_at', type: 'bigint', transformer: bigintNumber })
  leaseExpiresAt!: number;

  @Column({ name: 'cancel_requested', type: 'boolean' })
  cancelRequested!: boolean;

  @Column({ type: 'text', nullable: true, transformer: jsonText<JobProgress | null>() })
  progress!: JobProgress | null;

  @Column({ name: 'model_version', type: 'integer' })
  modelVersion!: number;

  @Column({ name: 'run_id', type: 'varchar', length: 128 })
  runId!: string;

  @Column({ type: 'text', nullable: true, transformer: jsonText<JobMetrics | null>() })
  metrics!: JobMetrics | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText<GateDecisionRecord | null>() })
  gate!: GateDecisionRecord | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText<JobSearch | null>() })
  search!: JobSearch | null;

  @Column({ name: 'best_params', type: 'text', nullable: true, transformer: jsonText<JobParams | null>() })
  bestParams!: JobParams | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;

  @Column({ name: 'started_at', type: 'bigint', transformer: bigintNumber })
  startedAt!: number;

  @Column({ name: 'finished_at', type: 'bigint', transformer: bigintNumber })
  finishedAt!: number;

  /** W3C traceparent of what submitted the job (the job's span links to it); null when untraced. */
  @Column({ name: 'trace_context', type: 'varchar', length: 64, nullable: true })
  traceContext!: string | null;
}

@Entity({ name: 'training_policies' })
export class TrainingPolicyRow {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  dataset!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  @Column({ type: 'text', transformer: jsonText<JobParams>() })
  params!: JobParams;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seed!: number;

  @Column({ type: 'varchar', length: 250 })
  target!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

@Entity({ name: 'promotion_policies' })
export class PromotionPolicyRow {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ name: 'min_metrics', type: 'text', transformer: jsonText<Record<string, number>>() })
  minMetrics!: Record<string, number>;

  @Column({ name: 'compare_metric', type: 'varchar', length: 32 })
  compareMetric!: string;

  @Column({ name: 'max_regression', type: 'double precision' })
  maxRegression!: number;

  @Column({ name: 'require_signature_match', type: 'boolean' })
  requireSignatureMatch!: boolean;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
