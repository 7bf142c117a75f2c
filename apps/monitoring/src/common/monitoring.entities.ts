// The monitoring service's tables. Times are epoch milliseconds in `double precision` columns (exact for
// integers up to 2^53 and read back as numbers on both SQLite and PostgreSQL); JSON documents in text.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { WindowCheckpointRow } from '../windows/window-checkpoint.entity';

const ms = { type: 'double precision' } as const;
const msNullable = { type: 'double precision', nullable: true } as const;

@Entity({ name: 'monitor_overrides' })
export class MonitorOverrideRow {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  model!: string;

  /** MonitorOverrides as JSON. */
  @Column({ type: 'text' })
  overrides!: string;

  @Column({ name: 'updated_at', ...ms })
  updatedAt!: number;
}

@Entity({ name: 'drift_windows' })
@Index('drift_windows_model_idx', ['model', 'createdAt'])
export class DriftWindowRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'from_ms', ...ms })
  fromMs!: number;

  @Column({ name: 'to_ms', ...ms })
  toMs!: number;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'varchar', length: 63, nullable: true })
  dataset!: string | null;

  @Column({ name: 'dataset_version', type: 'integer', nullable: true })
  datasetVersion!: number | null;

  @Column({ name: 'reference_sha256', type: 'varchar', length: 64 })
  referenceSha256!: string;

  /** DriftEvaluation as JSON. */
  @Column({ type: 'text' })
  report!: string;

  @Column({ name: 'created_at', ...ms })
  createdAt!: number;
}

@Entity({ name: 'prediction_baselines' })
export class PredictionBaselineRow {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  model!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** ReferenceProfileJson of the version's first window of probabilities. */
  @Column({ type: 'text' })
  profile!: string;

  @Column({ name: 'created_at', ...ms })
  createdAt!: number;
}

@Entity({ name: 'performance_windows' })
@Index('performance_windows_model_idx', ['model', 'createdAt'])
export class PerformanceWindowRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'from_ms', ...ms })
  fromMs!: number;

  @Column({ name: 'to_ms', ...ms })
  toMs!: number;

  /** PerformanceMetrics as JSON. */
  @Column({ type: 'text' })
  metrics!: string;

  @Column({ type: 'varchar', length: 16 })
  metric!: string;

  @Column({ type: 'double precision', nullable: true })
  baseline!: number | null;

  @Column({ type: 'integer' })
  degraded!: number;

  @Column({ name: 'created_at', ...ms })
  createdAt!: number;
}

@Entity({ name: 'alerts' })
@Index('alerts_open_idx', ['model', 'kind', 'status'])
export class AlertRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: string;

  @Column({ name: 'window_id', type: 'varchar', length: 36 })
  windowId!: string;

  @Column({ name: 'window_from_ms', ...ms })
  windowFromMs!: number;

  @Column({ name: 'window_to_ms', ...ms })
  windowToMs!: number;

  @Column({ name: 'window_rows', type: 'integer' })
  windowRows!: number;

  /** JSON array of input feature names. */
  @Column({ name: 'drifted_features', type: 'text' })
  driftedFeatures!: string;

  @Column({ name: 'prediction_drift', type: 'integer' })
  predictionDrift!: number;

  @Column({ type: 'text' })
  message!: string;

  /** The keel.monitoring.alert evidence as JSON. */
  @Column({ type: 'text' })
  evidence!: string;

  @Column({ name: 'reference_sha256', type: 'varchar', length: 64 })
  referenceSha256!: string;

  @Column({ name: 'retrain_job_id', type: 'varchar', length: 64, nullable: true })
  retrainJobId!: string | null;

  @Column({ name: 'fired_at', ...ms })
  firedAt!: number;

  @Column({ name: 'last_seen_at', ...ms })
  lastSeenAt!: number;

  @Column({ name: 'last_notified_at', ...ms })
  lastNotifiedAt!: number;

  @Column({ name: 'resolved_at', ...msNullable })
  resolvedAt!: number | null;

  @Column({ type: 'integer' })
  repeats!: number;
}

@Entity({ name: 'retrain_requests' })
@Index('retrain_requests_model_idx', ['model', 'requestedAt'])
export class RetrainRequestRow {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 64 })
  jobId!: string;

  @Column({ type: 'varchar', length: 63 })
  model!: string;

  @Column({ type: 'varchar', length: 63 })
  dataset!: string;

  @Column({ type: 'varchar', length: 16 })
  reason!: string;

  @Column({ name: 'alert_id', type: 'varchar', length: 36 })
  alertId!: string;

  @Column({ name: 'requested_at', ...ms })
  requestedAt!: number;
}

@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_due_idx', ['status', 'nextAttemptAt'])
export class WebhookDeliveryRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'alert_id', type: 'varchar', length: 36 })
  alertId!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', ...ms })
  nextAttemptAt!: number;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', ...ms })
  createdAt!: number;

  @Column({ name: 'delivered_at', ...msNullable })
  deliveredAt!: number | null;
}

export const monitoringEntities = [
  MonitorOverrideRow,
  DriftWindowRow,
  PredictionBaselineRow,
  PerformanceWindowRow,
  AlertRow,
  RetrainRequestRow,
  WebhookDeliveryRow,
  WindowCheckpointRow,
];
