import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '@keel/persistence';

export type RunStatusName = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

@Entity({ name: 'experiments' })
export class ExperimentRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}

@Entity({ name: 'runs' })
export class RunRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'experiment_id', type: 'varchar', length: 36 })
  experimentId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatusName;

  @Column({ name: 'start_time', type: 'bigint', transformer: bigintNumber })
  startTime!: number;

  @Column({ name: 'end_time', type: 'bigint', nullable: true, transformer: bigintNumber })
  endTime!: number | null;

  @Column({ name: 'snapshot_sha256', type: 'varchar', length: 64, nullable: true })
  snapshotSha256!: string | null;
}

@Entity({ name: 'run_params' })
export class RunParamRow {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'varchar', length: 1024 })
  value!: string;
}

@Entity({ name: 'run_tags' })
export class RunTagRow {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'varchar', length: 1024 })
  value!: string;
}

/** Every logged point of every metric series. */
@Entity({ name: 'run_metrics' })
export class MetricRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @Column({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  step!: number;

  @Column({ name: 'logged_at', type: 'bigint', transformer: bigintNumber })
  timestamp!: number;
}

/** The latest point per (run, key): what search filters and orders on, so it never scans series. */
@Entity({ name: 'run_latest_metrics' })
export class LatestMetricRow {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  step!: number;

  @Column({ name: 'logged_at', type: 'bigint', transformer: bigintNumber })
  timestamp!: number;
}

@Entity({ name: 'run_artifacts' })
export class RunArtifactRow {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @PrimaryColumn({ type: 'varchar', length: 512 })
  path!: string;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size!: number;

  @Column({ type: 'varchar', length: 2048 })
  uri!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
