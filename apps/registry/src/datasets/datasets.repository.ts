import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { DataSource, EntityManager } from 'typeorm';
import type { Direction, Page } from '@keel/domain';
import { writeTransaction } from '@keel/persistence';
import { DatasetRow, SnapshotRow } from './datasets.entities';

export type DatasetOrder = 'name' | 'created_at' | 'updated_at';
export type SnapshotOrder = 'version' | 'created_at' | 'rows';

const DATASET_COLUMNS: Record<DatasetOrder, string> = {
  name: 'd.name',
  created_at: 'd.createdAt',
  updated_at: 'd.updatedAt',
};
const SNAPSHOT_COLUMNS: Record<SnapshotOrder, string> = {
  version: 's.version',
  created_at: 's.createdAt',
  rows: 's.rowCount',
};

@Injectable()
export class DatasetsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  async insertDataset(row: DatasetRow): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(DatasetRow).insert(row));
  }

  findDataset(name: string, manager: EntityManager = this.dataSource.manager): Promise<DatasetRow | null> {
    return manager.getRepository(DatasetRow).findOneBy({ name });
  }

  findDatasetById(id: string): Promise<DatasetRow | null> {
    return this.dataSource.getRepository(DatasetRow).findOneBy({ id });
  }

  listDatasets(
    namePrefix: string,
    order: { key: DatasetOrder; direction: Direction },
    page: Page,
  ): Promise<DatasetRow[]> {
    const qb = this.dataSource.getRepository(DatasetRow).createQueryBuilder('d');
    if (namePrefix)
      qb.where("d.name LIKE :prefix ESCAPE '\\'", { prefix: `${namePrefix.replace(/[%_\\]/g, '\\$&')}%` });
    return qb
      .orderBy(DATASET_COLUMNS[order.key], order.direction)
      .addOrderBy('d.id', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  /** Takes the next version number; the UPDATE also serializes concurrent snapshots of one dataset on PostgreSQL. */
  async nextSnapshotVersion(manager: EntityManager, datasetId: string, now: number): Promise<number> {
    await manager
      .createQueryBuilder()
      .update(DatasetRow)
      .set({ latestVersion: () => 'latest_version + 1', updatedAt: now })
      .where('id = :id', { id: datasetId })
      .execute();
    const row = await manager.getRepository(DatasetRow).findOneByOrFail({ id: datasetId });
    return row.latestVersion;
  }

  async insertSnapshot(manager: EntityManager, row: SnapshotRow): Promise<void> {
    await manager.getRepository(SnapshotRow).insert(row);
  }

  findSnapshotBySha(
    datasetId: string,
    sha256: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SnapshotRow | null> {
    return manager.getRepository(SnapshotRow).findOneBy({ datasetId, sha256 });
  }

  findSnapshotByVersion(datasetId: string, version: number): Promise<SnapshotRow | null> {
    return this.dataSource.getRepository(SnapshotRow).findOneBy({ datasetId, version });
  }

  /** Any dataset's snapshot with this content address (the oldest, if two datasets share it). */
  findSnapshotByShaAnywhere(sha256: string): Promise<SnapshotRow | null> {
    return this.dataSource.getRepository(SnapshotRow).findOne({ where: { sha256 }, order: { createdAt: 'ASC' } });
  }

  listSnapshots(
    datasetId: string,
    order: { key: SnapshotOrder; direction: Direction },
    page: Page,
  ): Promise<SnapshotRow[]> {
    return this.dataSource
      .getRepository(SnapshotRow)
      .createQueryBuilder('s')
      .where('s.datasetId = :datasetId', { datasetId })
      .orderBy(SNAPSHOT_COLUMNS[order.key], order.direction)
      .addOrderBy('s.version', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }
}
