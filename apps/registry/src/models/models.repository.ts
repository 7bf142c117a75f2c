import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Direction, Page } from '@keel/domain';
import { chunks, isPostgres, rawQuery, writeTransaction } from '@keel/persistence';
import {
  AliasChangeRow,
  AliasRow,
  ModelTagRow,
  ModelVersionRow,
  ModelVersionTagRow,
  RegisteredModelRow,
  type VersionStatusName,
} from './models.entities';

export interface VersionView extends ModelVersionRow {
  modelName: string;
  tags: ModelVersionTagRow[];
  aliases: string[];
}

export interface ModelView extends RegisteredModelRow {
  tags: ModelTagRow[];
  aliases: AliasRow[];
}

export interface VersionFilter {
  status?: VersionStatusName;
  runId?: string;
  snapshotSha256?: string;
}

type TagChange = { key: string; value: string };

@Injectable()
export class ModelsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  async insertModel(row: RegisteredModelRow, tags: TagChange[]): Promise<void> {
    await writeTransaction(this.dataSource, async (m) => {
      await m.getRepository(RegisteredModelRow).insert(row);
      for (const part of chunks(tags.map((t) => ({ modelId: row.id, ...t }))))
        await m.getRepository(ModelTagRow).insert(part);
    });
  }

  findModel(name: string, manager: EntityManager = this.dataSource.manager): Promise<RegisteredModelRow | null> {
    return manager.getRepository(RegisteredModelRow).findOneBy({ name });
  }

  async hydrateModels(rows: RegisteredModelRow[]): Promise<ModelView[]> {
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return [];
    const [tags, aliases] = await Promise.all([
      this.dataSource.getRepository(ModelTagRow).find({ where: { modelId: In(ids) }, order: { key: 'ASC' } }),
      this.dataSource.getRepository(AliasRow).find({ where: { modelId: In(ids) }, order: { alias: 'ASC' } }),
    ]);
    return rows.map((r) => ({
      ...r,
      tags: tags.filter((t) => t.modelId === r.id),
      aliases: aliases.filter((a) => a.modelId === r.id),
    }));
  }

  listModels(
    namePrefix: string,
    tags: TagChange[],
    order: { key: 'name' | 'created_at' | 'updated_at'; direction: Direction },
    page: Page,
  ): Promise<RegisteredModelRow[]> {
    const qb = this.dataSource.getRepository(RegisteredModelRow).createQueryBuilder('m');
    if (namePrefix)
      qb.andWhere("m.name LIKE :prefix ESCAPE '\\'", { prefix: `${namePrefix.replace(/[%_\\]/g, '\\$&')}%` });
    tags.forEach((t, i) =>
      qb.andWhere(
        `EXISTS (SELECT 1 FROM registered_model_tags t${i} WHERE t${i}.model_id = m.id AND t${i}.key = :k${i} AND t${i}.value = :v${i})`,
        { [`k${i}`]: t.key, [`v${i}`]: t.value },
      ),
    );
    const column = { name: 'm.name', created_at: 'm.createdAt', updated_at: 'm.updatedAt' }[order.key];
    return qb
      .orderBy(column, order.direction)
      .addOrderBy('m.id', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  async touchModel(
    manager: EntityManager,
    modelId: string,
    set: Partial<Pick<RegisteredModelRow, 'description'>>,
    now: number,
  ): Promise<void> {
    await manager.getRepository(RegisteredModelRow).update({ id: modelId }, { ...set, updatedAt: now });
  }

  /** Upserts tags; an empty value deletes the tag. */
  async applyTags(
    manager: EntityManager,
    table: 'registered_model_tags' | 'model_version_tags',
    ownerColumn: 'model_id' | 'version_id',
    ownerId: string,
    tags: TagChange[],
  ): Promise<void> {
    for (const t of tags) {
      if (t.value === '')
        await rawQuery(manager, `DELETE FROM ${table} WHERE ${ownerColumn} = ? AND key = ?`, [ownerId, t.key]);
      else
        await rawQuery(
          manager,
          `INSERT INTO ${table} (${ownerColumn}, key, value) VALUES (?, ?, ?) ON CONFLICT (${ownerColumn}, key) DO UPDATE SET value = excluded.value`,
          [ownerId, t.key, t.value],
        );
    }
  }

  /** Takes the next version number; the UPDATE row-locks the model on PostgreSQL, so numbers never repeat. */
  async nextVersion(manager: EntityManager, modelId: string, now: number): Promise<number> {
    await manager
      .createQueryBuilder()
      .update(RegisteredModelRow)
      .set({ latestVersion: () => 'latest_version + 1', updatedAt: now })
      .where('id = :id', { id: modelId })
      .execute();
    return (await manager.getRepository(RegisteredModelRow).findOneByOrFail({ id: modelId })).latestVersion;
  }

  async insertVersion(manager: EntityManager, row: ModelVersionRow, tags: TagChange[]): Promise<void> {
    await manager.getRepository(ModelVersionRow).insert(row);
    for (const part of chunks(tags.map((t) => ({ versionId: row.id, ...t }))))
      await manager.getRepository(ModelVersionTagRow).insert(part);
  }

  findVersion(
    modelId: string,
    version: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ModelVersionRow | null> {
    return manager.getRepository(ModelVersionRow).findOneBy({ modelId, version });
  }

  /** A version by model name and number, in one indexed statement (null when either is missing). */
  findVersionByNumber(modelName: string, version: number): Promise<ModelVersionRow | null> {
    return this.dataSource
      .getRepository(ModelVersionRow)
      .createQueryBuilder('v')
      .innerJoin(RegisteredModelRow, 'm', 'm.id = v.modelId')
      .where('m.name = :modelName AND v.version = :version', { modelName, version })
      .getOne();
  }

  /** The version an alias names, found by model name and alias in one indexed statement. */
  findVersionByAlias(modelName: string, alias: string): Promise<ModelVersionRow | null> {
    return this.dataSource
      .getRepository(ModelVersionRow)
      .createQueryBuilder('v')
      .innerJoin(RegisteredModelRow, 'm', 'm.id = v.modelId')
      .innerJoin(AliasRow, 'a', 'a.modelId = v.modelId AND a.version = v.version')
      .where('m.name = :modelName AND a.alias = :alias', { modelName, alias })
      .getOne();
  }

  /**
   * One version found by its model's name, with its tags and aliases in one more statement: two round
   * trips in all, one connection at a time (the by-number and by-alias reads).
   */
  async hydrateVersion(row: ModelVersionRow, modelName: string): Promise<VersionView> {
    const rows = await rawQuery<{ kind: string; key: string; value: string | null }>(
      this.dataSource,
      `SELECT 't' AS kind, key, value FROM model_version_tags WHERE version_id = ?
       UNION ALL
       SELECT 'a' AS kind, alias AS key, NULL AS value FROM model_aliases WHERE model_id = ? AND version = ?
       ORDER BY kind, key`,
      [row.id, row.modelId, row.version],
    );
    return {
      ...row,
      modelName,
      tags: rows.filter((r) => r.kind === 't').map((r) => ({ versionId: row.id, key: r.key, value: r.value ?? '' })),
      aliases: rows.filter((r) => r.kind === 'a').map((r) => r.key),
    };
  }

  async hydrateVersions(rows: ModelVersionRow[]): Promise<VersionView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const modelIds = [...new Set(rows.map((r) => r.modelId))];
    const [tags, aliases, models] = await Promise.all([
      this.dataSource.getRepository(ModelVersionTagRow).find({ where: { versionId: In(ids) }, order: { key: 'ASC' } }),
      this.dataSource
        .getRepository(AliasRow)
        .find({ where: { modelId: In(modelIds), version: In(rows.map((r) => r.version)) }, order: { alias: 'ASC' } }),
      this.dataSource.getRepository(RegisteredModelRow).findBy({ id: In(modelIds) }),
    ]);
    const names = new Map(models.map((m) => [m.id, m.name]));
    return rows.map((r) => ({
      ...r,
      modelName: names.get(r.modelId) ?? '',
      tags: tags.filter((t) => t.versionId === r.id),
      aliases: aliases.filter((a) => a.modelId === r.modelId && a.version === r.version).map((a) => a.alias),
    }));
  }

  listVersions(
    modelId: string | undefined,
    filter: VersionFilter,
    order: { key: 'version' | 'created_at' | 'model'; direction: Direction },
    page: Page,
  ): Promise<ModelVersionRow[]> {
    const qb = this.dataSource.getRepository(ModelVersionRow).createQueryBuilder('v');
    if (modelId) qb.andWhere('v.modelId = :modelId', { modelId });
    if (filter.status) qb.andWhere('v.status = :status', { status: filter.status });
    if (filter.runId) qb.andWhere('v.runId = :runId', { runId: filter.runId });
    if (filter.snapshotSha256) qb.andWhere('v.snapshotSha256 = :sha', { sha: filter.snapshotSha256 });
    if (order.key === 'model') qb.innerJoin(RegisteredModelRow, 'rm', 'rm.id = v.modelId');
    const column = { version: 'v.version', created_at: 'v.createdAt', model: 'rm.name' }[order.key];
    return qb
      .orderBy(column, order.direction)
      .addOrderBy('v.version', order.direction)
      .addOrderBy('v.id', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  async archiveVersion(manager: EntityManager, id: string, now: number): Promise<void> {
    await manager.getRepository(ModelVersionRow).update({ id }, { status: 'ARCHIVED', archivedAt: now });
  }

  findAlias(
    modelId: string,
    alias: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AliasRow | null> {
    return manager.getRepository(AliasRow).findOneBy({ modelId, alias });
  }

  /**
   * Serialises the writers that decide about one version (archiving it, pointing an alias at it): on
   * PostgreSQL a row lock held until commit, after which READ COMMITTED statements see the winner's
   * rows; on SQLite every write transaction already holds the database's one write lock.
   */
  async lockVersion(manager: EntityManager, modelId: string, version: number): Promise<void> {
    if (isPostgres(manager))
      await rawQuery(manager, 'SELECT id FROM model_versions WHERE model_id = ? AND version = ? FOR UPDATE', [
        modelId,
        version,
      ]);
  }

  aliasesOfVersion(manager: EntityManager, modelId: string, version: number): Promise<AliasRow[]> {
    return manager.getRepository(AliasRow).findBy({ modelId, version });
  }

  /** Compare-and-set on the revision: true when this writer won. */
  async moveAlias(manager: EntityManager, current: AliasRow, version: number, now: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(AliasRow)
      .set({ version, revision: current.revision + 1, updatedAt: now })
      .where('model_id = :modelId AND alias = :alias AND revision = :revision', {
        modelId: current.modelId,
        alias: current.alias,
        revision: current.revision,
      })
      .execute();
    return result.affected === 1;
  }

  /** Compare-and-delete on the revision: true when this writer won. */
  async deleteAlias(manager: EntityManager, current: AliasRow): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(AliasRow)
      .where('model_id = :modelId AND alias = :alias AND revision = :revision', {
        modelId: current.modelId,
        alias: current.alias,
        revision: current.revision,
      })
      .execute();
    return result.affected === 1;
  }

  async lastAliasRevision(manager: EntityManager, modelId: string, alias: string): Promise<number> {
    const rows = await rawQuery<{ last: string | number | null }>(
      manager,
      'SELECT MAX(revision) AS last FROM model_alias_history WHERE model_id = ? AND alias = ?',
      [modelId, alias],
    );
    return Number(rows[0]?.last ?? 0);
  }

  async insertAlias(manager: EntityManager, row: AliasRow): Promise<void> {
    await manager.getRepository(AliasRow).insert(row);
  }

  async insertAliasChange(manager: EntityManager, row: Omit<AliasChangeRow, 'seq'>): Promise<void> {
    await manager.getRepository(AliasChangeRow).insert(row);
  }

  aliasHistory(
    modelId: string,
    alias: string,
    order: { key: 'revision' | 'at'; direction: Direction },
    page: Page,
  ): Promise<AliasChangeRow[]> {
    const qb = this.dataSource
      .getRepository(AliasChangeRow)
      .createQueryBuilder('h')
      .where('h.modelId = :modelId', { modelId });
    if (alias) qb.andWhere('h.alias = :alias', { alias });
    const first = order.key === 'revision' ? 'h.revision' : 'h.at';
    return qb
      .orderBy(first, order.direction)
      .addOrderBy('h.seq', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  /** Every change that moved an alias to or away from this version, oldest first. */
  versionAliasHistory(modelId: string, version: number): Promise<AliasChangeRow[]> {
    return this.dataSource
      .getRepository(AliasChangeRow)
      .createQueryBuilder('h')
      .where('h.modelId = :modelId AND (h.toVersion = :version OR h.fromVersion = :version)', { modelId, version })
      .orderBy('h.seq', 'ASC')
      .getMany();
  }
}
