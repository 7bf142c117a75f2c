import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import { In, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
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

  /** A version by its model's name and number, with its tags and aliases: one statement (null on a miss). */
  findVersionView(modelName: string, version: number): Promise<VersionView | null> {
    return this.versionView(
      this.versionQuery().where('m.name = :modelName AND v.version = :version', { modelName, version }),
      modelName,
    );
  }

  /** The version an alias names, found by model name and alias, with its tags and aliases: one statement. */
  findVersionViewByAlias(modelName: string, alias: string): Promise<VersionView | null> {
    return this.versionView(
      this.versionQuery()
        .innerJoin(AliasRow, 'a', 'a.modelId = v.modelId AND a.version = v.version')
        .where('m.name = :modelName AND a.alias = :alias', { modelName, alias }),
      modelName,
    );
  }

  /**
   * One version row joined to its model, its tags and aliases aggregated as JSON arrays in the same row:
   * reading a version is one round trip (on a loaded PostgreSQL server each statement costs a wake-up of
   * a server process, more than the statement itself).
   */
  private versionQuery(): SelectQueryBuilder<ModelVersionRow> {
    const pg = isPostgres(this.dataSource);
    const array = (items: string, order: string) =>
      pg
        ? `json_agg(json_build_array(${items}) ORDER BY ${order})`
        : `json_group_array(json_array(${items}) ORDER BY ${order})`;
    return this.dataSource
      .getRepository(ModelVersionRow)
      .createQueryBuilder('v')
      .innerJoin(RegisteredModelRow, 'm', 'm.id = v.modelId')
      .addSelect(
        `(SELECT ${array('t.key, t.value', 't.key')} FROM model_version_tags t WHERE t.version_id = v.id)`,
        'tags',
      )
      .addSelect(
        `(SELECT ${array('x.alias', 'x.alias')} FROM model_aliases x
          WHERE x.model_id = v.model_id AND x.version = v.version)`,
        'aliases',
      );
  }

  private async versionView(
    query: SelectQueryBuilder<ModelVersionRow>,
    modelName: string,
  ): Promise<VersionView | null> {
    const { entities, raw } = await query.getRawAndEntities<{ tags: unknown; aliases: unknown }>();
    const row = entities[0];
    if (!row) return null;
    // PostgreSQL's pg parses json (null when there is nothing to aggregate); SQLite returns the text.
    const list = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as unknown[][];
    return {
      ...row,
      modelName,
      tags: list(raw[0]!.tags).map(([key, value]) => ({ versionId: row.id, key: String(key), value: String(value) })),
      aliases: list(raw[0]!.aliases).map(([alias]) => String(alias)),
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
    return this.listVersionsQuery(modelId, filter, order, page).getMany();
  }

  /** The statement behind listVersions (the plan guard EXPLAINs exactly this). */
  listVersionsQuery(
    modelId: string | undefined,
    filter: VersionFilter,
    order: { key: 'version' | 'created_at' | 'model'; direction: Direction },
    page: Page,
  ): SelectQueryBuilder<ModelVersionRow> {
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
      .limit(page.limit + 1);
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
