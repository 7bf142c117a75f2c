import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { AuditService } from '../audit/audit.service';
import { pageResult, readOrderBy, readPage, type Page } from '@keel/domain';
import { isUniqueViolation, writeTransaction } from '@keel/persistence';
import { RunsService } from '../runs/runs.service';
import { readSignature, readTags } from './model-inputs';
import type {
  CreateModelCommand,
  CreateVersionCommand,
  ListModelsQuery,
  ListVersionsQuery,
  UpdateModelCommand,
  UpdateVersionCommand,
} from './models.commands';
import { ModelVersionRow, type AliasChangeRow, type RegisteredModelRow } from './models.entities';
import { ModelError, ModelErrorCode, modelInput as v } from './models.errors';
import { ModelsRepository, type ModelView, type VersionView } from './models.repository';

@Injectable()
export class ModelsService {
  constructor(
    private readonly repo: ModelsRepository,
    private readonly runs: RunsService,
    private readonly artifacts: ArtifactsService,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
  ) {}

  async createModel(req: CreateModelCommand): Promise<ModelView> {
    const now = Date.now();
    const row: RegisteredModelRow = {
      id: randomUUID(),
      name: v.name(req.name, 'name'),
      description: v.text(req.description, 'description', 10_000),
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    const tags = readTags(req.tags, v, false);
    try {
      await this.repo.insertModel(row, tags);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ModelError(ModelErrorCode.ModelExists, `registered model "${row.name}" already exists`, 'name');
      throw err;
    }
    return this.getModel(row.name);
  }

  async requireModel(name: string, field = 'model'): Promise<RegisteredModelRow> {
    const found = await this.repo.findModel(v.name(name, field));
    if (!found) throw new ModelError(ModelErrorCode.ModelNotFound, `registered model "${name}" not found`, field);
    return found;
  }

  async getModel(name: string): Promise<ModelView> {
    return (await this.repo.hydrateModels([await this.requireModel(name, 'name')]))[0]!;
  }

  async updateModel(req: UpdateModelCommand): Promise<ModelView> {
    const model = await this.requireModel(req.name, 'name');
    const tags = readTags(req.tags, v, true);
    const description = req.description ? v.text(req.description, 'description', 10_000) : undefined;
    await writeTransaction(this.repo.dataSource, async (m) => {
      await this.repo.touchModel(m, model.id, description === undefined ? {} : { description }, Date.now());
      await this.repo.applyTags(m, 'registered_model_tags', 'model_id', model.id, tags);
    });
    return this.getModel(model.name);
  }

  async listModels(req: ListModelsQuery): Promise<{ items: ModelView[]; nextPageToken: string }> {
    const page = readPage(req.page, v);
    const order = readOrderBy(
      req.orderBy,
      ['name', 'created_at', 'updated_at'] as const,
      { key: 'name', direction: 'ASC' },
      v,
    );
    const tags = readTags(req.tags, v, true);
    const { items, nextPageToken } = pageResult(await this.repo.listModels(req.namePrefix, tags, order, page), page);
    return { items: await this.repo.hydrateModels(items), nextPageToken };
  }

  /** A new version with its lineage; announced as keel.model.registered in the same transaction. */
  async createVersion(req: CreateVersionCommand): Promise<VersionView> {
    const model = await this.requireModel(req.model);
    const run = await this.runs.findRun(v.id(req.runId, 'run_id'));
    if (!run) throw new ModelError(ModelErrorCode.RunNotFound, `run ${req.runId} not found`, 'run_id');
    const snapshotSha256 = v.sha256(req.snapshotSha256, 'snapshot_sha256');
    const artifactSha256 = v.sha256(req.artifactSha256, 'artifact_sha256');
    const format = req.format;
    const signature = readSignature(req.signature, v);
    const tags = readTags(req.tags, v, false);
    let artifactUri = req.artifactUri;
    if (artifactUri === '') {
      const stored = await this.artifacts.stat(artifactSha256);
      if (!stored)
        throw new ModelError(
          ModelErrorCode.ArtifactNotFound,
          `no artifact with sha256 ${artifactSha256} in the store; upload it or pass artifact_uri`,
          'artifact_sha256',
        );
      artifactUri = stored.uri;
    } else if (!/^[a-z][a-z0-9+.-]*:\S+$/.test(artifactUri) || artifactUri.length > 2048) {
      v.fail('artifact_uri', 'must be empty or an absolute URI such as s3://bucket/key');
    }
    const now = Date.now();
    const id = randomUUID();
    const row = await writeTransaction(this.repo.dataSource, async (m) => {
      const version = await this.repo.nextVersion(m, model.id, now);
      const created: ModelVersionRow = {
        id,
        modelId: model.id,
        version,
        runId: run.id,
        snapshotSha256,
        artifactSha256,
        artifactUri,
        format,
        signature,
        description: v.text(req.description, 'description', 10_000),
        status: 'READY',
        createdAt: now,
        archivedAt: null,
      };
      await this.repo.insertVersion(m, created, tags);
      const metrics = Object.fromEntries(run.latestMetrics.map((x) => [x.key, x.value]));
      await this.outbox.publish(
        m,
        'keel.model.registered',
        {
          model: model.name,
          version,
          runId: run.id,
          snapshotSha256,
          artifactSha256,
          artifactUri,
          format,
          signature: { inputs: signature.inputs as never, outputs: signature.outputs as never },
          metrics,
        },
        { key: model.name, subject: `${model.name}/${version}` },
      );
      return created;
    });
    return (await this.repo.hydrateVersions([row]))[0]!;
  }

  async requireVersion(
    modelName: string,
    version: number,
  ): Promise<{ model: RegisteredModelRow; version: ModelVersionRow }> {
    const model = await this.requireModel(modelName);
    const row = await this.repo.findVersion(model.id, v.positiveInt(version, 'version'));
    if (!row)
      throw new ModelError(
        ModelErrorCode.VersionNotFound,
        `model "${model.name}" has no version ${version}`,
        'version',
      );
    return { model, version: row };
  }

  /** One statement (the version by model name and number, with tags and aliases); a miss names what is missing. */
  async getVersion(modelName: string, version: number): Promise<VersionView> {
    const found = await this.repo.findVersionView(v.name(modelName, 'model'), v.positiveInt(version, 'version'));
    if (found) return found;
    return (await this.repo.hydrateVersions([(await this.requireVersion(modelName, version)).version]))[0]!;
  }

  /**
   * One indexed join (model name -> alias -> version) that also brings the version's tags and aliases: one
   * round trip to the database. Only a miss takes the step-by-step path, to name what is missing.
   */
  async getVersionByAlias(modelName: string, aliasName: string): Promise<VersionView> {
    const found = await this.repo.findVersionViewByAlias(v.name(modelName, 'model'), v.alias(aliasName, 'alias'));
    if (found) return found;
    const model = await this.requireModel(modelName);
    const alias = await this.repo.findAlias(model.id, v.alias(aliasName, 'alias'));
    if (!alias)
      throw new ModelError(ModelErrorCode.AliasNotFound, `model "${model.name}" has no alias "${aliasName}"`, 'alias');
    const row = await this.repo.findVersion(model.id, alias.version);
    if (!row)
      throw new ModelError(
        ModelErrorCode.VersionNotFound,
        `alias "${aliasName}" names missing version ${alias.version}`,
        'alias',
      );
    return (await this.repo.hydrateVersions([row]))[0]!;
  }

  async updateVersion(req: UpdateVersionCommand): Promise<VersionView> {
    const { model, version } = await this.requireVersion(req.model, req.version);
    const tags = readTags(req.tags, v, true);
    const description = req.description ? v.text(req.description, 'description', 10_000) : undefined;
    await writeTransaction(this.repo.dataSource, async (m) => {
      if (description !== undefined) await m.getRepository(ModelVersionRow).update({ id: version.id }, { description });
      await this.repo.applyTags(m, 'model_version_tags', 'version_id', version.id, tags);
      await this.repo.touchModel(m, model.id, {}, Date.now());
    });
    return this.getVersion(model.name, version.version);
  }

  /** Archiving keeps the version for lineage; a version an alias still points to cannot be archived. */
  async archiveVersion(modelName: string, versionNumber: number): Promise<VersionView> {
    const { model, version } = await this.requireVersion(modelName, versionNumber);
    await writeTransaction(this.repo.dataSource, async (m) => {
      // Locked against setAlias on this version: the alias check and the archiving cannot interleave.
      await this.repo.lockVersion(m, model.id, version.version);
      const held = await this.repo.aliasesOfVersion(m, model.id, version.version);
      if (held.length > 0) {
        throw new ModelError(
          ModelErrorCode.VersionHasAliases,
          `version ${version.version} of "${model.name}" is still aliased as ${held.map((a) => a.alias).join(', ')}; move the alias first`,
          'version',
        );
      }
      if (version.status === 'ARCHIVED') return;
      await this.repo.archiveVersion(m, version.id, Date.now());
      await this.audit.record(m, { action: 'model_version.archived', subject: `${model.name}/${version.version}` });
    });
    return this.getVersion(model.name, version.version);
  }

  async listVersions(req: ListVersionsQuery): Promise<{ items: VersionView[]; nextPageToken: string }> {
    const model = await this.requireModel(req.model);
    const page = readPage(req.page, v);
    const order = readOrderBy(
      req.orderBy,
      ['version', 'created_at'] as const,
      { key: 'version', direction: 'DESC' },
      v,
    );
    const filter = {
      status: req.status,
      runId: req.runId ? v.id(req.runId, 'run_id') : undefined,
    };
    const { items, nextPageToken } = pageResult(await this.repo.listVersions(model.id, filter, order, page), page);
    return { items: await this.repo.hydrateVersions(items), nextPageToken };
  }

  /** For lineage: the versions trained on a snapshot, across models. */
  async versionsOfSnapshot(
    sha256: string,
    order: { key: 'created_at' | 'model'; direction: 'ASC' | 'DESC' },
    page: Page,
  ): Promise<{ items: VersionView[]; nextPageToken: string }> {
    const { items, nextPageToken } = pageResult(
      await this.repo.listVersions(undefined, { snapshotSha256: sha256 }, order, page),
      page,
    );
    return { items: await this.repo.hydrateVersions(items), nextPageToken };
  }

  versionAliasHistory(modelId: string, version: number): Promise<AliasChangeRow[]> {
    return this.repo.versionAliasHistory(modelId, version);
  }
}
