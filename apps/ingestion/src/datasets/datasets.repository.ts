import { Inject, Injectable } from '@nestjs/common';
import { rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import type { DatasetSchema } from '@keel/datasets';
import type { DataSource, EntityManager } from 'typeorm';
import { ADD_COUNTS_SQL } from '../common/staging-sql';
import type { Dataset, SnapshotPolicy } from './datasets.commands';

interface DatasetSqlRow {
  name: string;
  schema: string;
  schema_version: number;
  policy: string;
  duplicates?: string | number | null;
  accepted: string | number;
  rejected: string | number;
  latest_version: number;
  created_at: string | number;
  updated_at: string | number;
}

// The policy column holds the snapshot policy and the dedupe flag (fields added later default to off).
const toDataset = (r: DatasetSqlRow): Dataset => {
  const p = JSON.parse(r.policy) as Partial<SnapshotPolicy> & { dedupe?: boolean };
  return {
    name: r.name,
    schema: JSON.parse(r.schema) as DatasetSchema,
    schemaVersion: Number(r.schema_version),
    policy: {
      everyRecords: p.everyRecords ?? 0,
      intervalSeconds: p.intervalSeconds ?? 0,
      windowRecords: p.windowRecords ?? 0,
      windowSeconds: p.windowSeconds ?? 0,
    },
    dedupe: p.dedupe === true,
    duplicates: Number(r.duplicates ?? 0),
    accepted: Number(r.accepted),
    rejected: Number(r.rejected),
    latestVersion: Number(r.latest_version),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
};

/** ingest_datasets, in SQL that runs on SQLite and PostgreSQL. */
@Injectable()
export class DatasetsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, d: Dataset): Promise<void> {
    await rawQuery(
      manager,
      `INSERT INTO ingest_datasets (name, schema, schema_version, policy, accepted, rejected, latest_version, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        d.name,
        JSON.stringify(d.schema),
        d.schemaVersion,
        JSON.stringify({ ...d.policy, dedupe: d.dedupe }),
        d.accepted,
        d.rejected,
        d.latestVersion,
        d.createdAt,
        d.updatedAt,
      ],
    );
  }

  async find(name: string, db: DataSource | EntityManager = this.dataSource): Promise<Dataset | null> {
    const rows = await rawQuery<DatasetSqlRow>(db, 'SELECT * FROM ingest_datasets WHERE name = ?', [name]);
    return rows[0] ? toDataset(rows[0]) : null;
  }

  async list(): Promise<Dataset[]> {
    return (await rawQuery<DatasetSqlRow>(this.dataSource, 'SELECT * FROM ingest_datasets ORDER BY name')).map(
      toDataset,
    );
  }

  async updateSchema(manager: EntityManager, name: string, schema: DatasetSchema, version: number): Promise<void> {
    await rawQuery(
      manager,
      'UPDATE ingest_datasets SET schema = ?, schema_version = ?, updated_at = ? WHERE name = ?',
      [JSON.stringify(schema), version, Date.now(), name],
    );
  }

  async addCounts(
    manager: EntityManager,
    name: string,
    accepted: number,
    rejected: number,
    duplicates = 0,
  ): Promise<void> {
    await rawQuery(manager, ADD_COUNTS_SQL, [accepted, rejected, duplicates, name]);
  }

  async setLatestVersion(manager: EntityManager, name: string, version: number): Promise<void> {
    await rawQuery(manager, 'UPDATE ingest_datasets SET latest_version = ?, updated_at = ? WHERE name = ?', [
      version,
      Date.now(),
      name,
    ]);
  }

  /** Staged rows not yet in a snapshot part, optionally only those of other schema versions. */
  async stagedCount(name: string, exceptSchemaVersion?: number): Promise<number> {
    const rows = await rawQuery<{ n: string | number }>(
      this.dataSource,
      exceptSchemaVersion === undefined
        ? 'SELECT COALESCE(SUM(rows), 0) AS n FROM ingest_staged_chunks WHERE dataset = ?'
        : 'SELECT COALESCE(SUM(rows), 0) AS n FROM ingest_staged_chunks WHERE dataset = ? AND schema_version <> ?',
      exceptSchemaVersion === undefined ? [name] : [name, exceptSchemaVersion],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
