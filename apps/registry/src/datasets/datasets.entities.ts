import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@keel/persistence';

export interface ColumnSpec {
  name: string;
  type: string;
  nullable: boolean;
  categories: string[];
}

@Entity({ name: 'datasets' })
export class DatasetRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'text', transformer: jsonText<ColumnSpec[]>() })
  columns!: ColumnSpec[];

  @Column({ name: 'entity_key', type: 'varchar', length: 128 })
  entityKey!: string;

  @Column({ type: 'varchar', length: 128 })
  target!: string;

  @Column({ name: 'latest_version', type: 'integer' })
  latestVersion!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}

@Entity({ name: 'dataset_snapshots' })
export class SnapshotRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'dataset_id', type: 'varchar', length: 36 })
  datasetId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'row_count', type: 'bigint', transformer: bigintNumber })
  rowCount!: number;

  @Column({ type: 'text', transformer: jsonText<ColumnSpec[]>() })
  columns!: ColumnSpec[];

  @Column({ type: 'text' })
  profile!: string;

  @Column({ name: 'artifact_uri', type: 'varchar', length: 2048 })
  artifactUri!: string;

  @Column({ name: 'window_from', type: 'bigint', transformer: bigintNumber })
  windowFrom!: number;

  @Column({ name: 'window_to', type: 'bigint', transformer: bigintNumber })
  windowTo!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
