import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@keel/persistence';

export type ModelFormatName = 'onnx' | 'keel-json';
export type VersionStatusName = 'READY' | 'ARCHIVED';

export interface TensorSpecRow {
  name: string;
  datatype: string;
  shape: number[];
}

export interface SignatureRow {
  inputs: TensorSpecRow[];
  outputs: TensorSpecRow[];
}

@Entity({ name: 'registered_models' })
export class RegisteredModelRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'latest_version', type: 'integer' })
  latestVersion!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

@Entity({ name: 'registered_model_tags' })
export class ModelTagRow {
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'varchar', length: 1024 })
  value!: string;
}

@Entity({ name: 'model_versions' })
export class ModelVersionRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @Column({ name: 'snapshot_sha256', type: 'varchar', length: 64 })
  snapshotSha256!: string;

  @Column({ name: 'artifact_sha256', type: 'varchar', length: 64 })
  artifactSha256!: string;

  @Column({ name: 'artifact_uri', type: 'varchar', length: 2048 })
  artifactUri!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: ModelFormatName;

  @Column({ type: 'text', transformer: jsonText<SignatureRow>() })
  signature!: SignatureRow;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: VersionStatusName;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'archived_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  archivedAt!: number | null;
}

@Entity({ name: 'model_version_tags' })
export class ModelVersionTagRow {
  @PrimaryColumn({ name: 'version_id', type: 'varchar', length: 36 })
  versionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 250 })
  key!: string;

  @Column({ type: 'varchar', length: 1024 })
  value!: string;
}

/** Where an alias points now; `revision` is the optimistic-concurrency token. */
@Entity({ name: 'model_aliases' })
export class AliasRow {
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  alias!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'bigint', transformer: bigintNumber })
  revision!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

/** One row per alias move; (model, alias, revision) is unique, so two writers can never both win a revision. */
@Entity({ name: 'model_alias_history' })
export class AliasChangeRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'model_id', type: 'varchar', length: 36 })
  modelId!: string;

  @Column({ type: 'varchar', length: 32 })
  alias!: string;

  @Column({ name: 'from_version', type: 'integer', nullable: true })
  fromVersion!: number | null;

  /** Null when the change deleted the alias. */
  @Column({ name: 'to_version', type: 'integer', nullable: true })
  toVersion!: number | null;

  @Column({ type: 'bigint', transformer: bigintNumber })
  revision!: number;

  @Column({ type: 'varchar', length: 1024 })
  reason!: string;

  @Column({ type: 'varchar', length: 255 })
  actor!: string;

  @Column({ name: 'changed_at', type: 'bigint', transformer: bigintNumber })
  at!: number;
}
