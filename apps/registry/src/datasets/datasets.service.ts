import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { profileSchema } from '@keel/contracts';
import { pageResult, readOrderBy, readPage } from '@keel/domain';
import { isUniqueViolation, writeTransaction } from '@keel/persistence';
import { validateColumns, type ColumnInput } from './dataset-columns';
import type { DatasetRow, SnapshotRow } from './datasets.entities';
import type {
  CreateDatasetCommand,
  ListDatasetsQuery,
  ListSnapshotsQuery,
  RegisterSnapshotCommand,
} from './datasets.commands';
import { DatasetError, DatasetErrorCode, datasetInput as v } from './datasets.errors';
import { DatasetsRepository, type DatasetOrder, type SnapshotOrder } from './datasets.repository';

export interface SnapshotWithDataset {
  dataset: DatasetRow;
  snapshot: SnapshotRow;
}

@Injectable()
export class DatasetsService {
  constructor(
    private readonly repo: DatasetsRepository,
    private readonly outbox: Outbox,
  ) {}

  async createDataset(req: CreateDatasetCommand): Promise<DatasetRow> {
    const name = v.name(req.name, 'name');
    const columns = validateColumns(req.columns, v, 'columns');
    const names = new Set(columns.map((c) => c.name));
    if (req.entityKey && !names.has(req.entityKey)) v.fail('entity_key', `names no column ("${req.entityKey}")`);
    if (req.target && !names.has(req.target)) v.fail('target', `names no column ("${req.target}")`);
    const now = Date.now();
    const row: DatasetRow = {
      id: randomUUID(),
      name,
      description: v.text(req.description, 'description', 10_000),
      columns,
      entityKey: req.entityKey,
      target: req.target,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.repo.insertDataset(row);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new DatasetError(DatasetErrorCode.DatasetExists, `dataset "${name}" already exists`, 'name');
      throw err;
    }
    return row;
  }

  async getDataset(name: string, field = 'name'): Promise<DatasetRow> {
    const found = await this.repo.findDataset(v.name(name, field));
    if (!found) throw new DatasetError(DatasetErrorCode.DatasetNotFound, `dataset "${name}" not found`, field);
    return found;
  }

  async listDatasets(req: ListDatasetsQuery): Promise<{ items: DatasetRow[]; nextPageToken: string }> {
    const page = readPage(req.page, v);
    const order = readOrderBy<DatasetOrder>(
      req.orderBy,
      ['name', 'created_at', 'updated_at'],
      { key: 'name', direction: 'ASC' },
      v,
    );
    return pageResult(await this.repo.listDatasets(req.namePrefix, order, page), page);
  }

  /** Records an immutable snapshot version and announces it (keel.dataset.snapshotted) in the same transaction. */
  async registerSnapshot(req: RegisterSnapshotCommand): Promise<SnapshotWithDataset> {
    const dataset = await this.getDataset(req.dataset, 'dataset');
    const sha256 = v.sha256(req.sha256, 'sha256');
    const rows = v.nonNegative(req.rows, 'rows');
    const columns =
      req.columns.length > 0
        ? validateColumns(req.columns, v, 'columns')
        : dataset.columns.map((c) => ({ ...c }) as ColumnInput);
    const profile = readProfile(req.profileJson);
    const artifactUri =
      /^[a-z][a-z0-9+.-]*:\S+$/.test(req.artifactUri) && req.artifactUri.length <= 2048
        ? req.artifactUri
        : v.fail('artifact_uri', 'must be an absolute URI such as s3://bucket/key or file:///path');
    if (!(req.windowFromMs > 0) || !(req.windowToMs >= req.windowFromMs))
      v.fail('window_to_ms', 'the window needs window_from_ms > 0 and window_to_ms >= window_from_ms');
    const now = Date.now();
    try {
      return await writeTransaction(this.repo.dataSource, async (manager) => {
        if (await this.repo.findSnapshotBySha(dataset.id, sha256, manager)) throw snapshotExists(dataset.name, sha256);
        const version = await this.repo.nextSnapshotVersion(manager, dataset.id, now);
        const snapshot: SnapshotRow = {
          id: randomUUID(),
          datasetId: dataset.id,
          version,
          sha256,
          rowCount: rows,
          columns,
          profile: JSON.stringify(profile),
          artifactUri,
          windowFrom: req.windowFromMs,
          windowTo: req.windowToMs,
          createdAt: now,
        };
        await this.repo.insertSnapshot(manager, snapshot);
        await this.outbox.publish(
          manager,
          'keel.dataset.snapshotted',
          {
            dataset: dataset.name,
            version,
            sha256,
            rows,
            schema: {
              columns: columns.map((c) => ({
                name: c.name,
                type: c.type,
                nullable: c.nullable,
                ...(c.categories.length ? { categories: c.categories } : {}),
              })),
            },
            profile,
            artifactUri,
            window: { from: new Date(req.windowFromMs).toISOString(), to: new Date(req.windowToMs).toISOString() },
          },
          { key: dataset.name, subject: `${dataset.name}/${version}` },
        );
        return { dataset: { ...dataset, latestVersion: version, updatedAt: now }, snapshot };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw snapshotExists(dataset.name, sha256);
      throw err;
    }
  }

  /** A snapshot by sha256, by version, or the latest when neither is given. */
  async getSnapshot(datasetName: string, version: number, sha256: string): Promise<SnapshotWithDataset> {
    const dataset = await this.getDataset(datasetName, 'dataset');
    let snapshot: SnapshotRow | null;
    if (sha256) snapshot = await this.repo.findSnapshotBySha(dataset.id, v.sha256(sha256, 'sha256'));
    else snapshot = await this.repo.findSnapshotByVersion(dataset.id, version > 0 ? version : dataset.latestVersion);
    if (!snapshot)
      throw new DatasetError(
        DatasetErrorCode.SnapshotNotFound,
        `dataset "${dataset.name}" has no snapshot ${sha256 || (version > 0 ? `version ${version}` : 'yet')}`,
        sha256 ? 'sha256' : 'version',
      );
    return { dataset, snapshot };
  }

  /** For lineage: the snapshot a model was trained on, if the registry knows it. */
  async findSnapshotBySha(sha256: string): Promise<SnapshotWithDataset | null> {
    const snapshot = await this.repo.findSnapshotByShaAnywhere(sha256);
    if (!snapshot) return null;
    const dataset = await this.repo.findDatasetById(snapshot.datasetId);
    return dataset ? { dataset, snapshot } : null;
  }

  async listSnapshots(
    req: ListSnapshotsQuery,
  ): Promise<{ dataset: DatasetRow; items: SnapshotRow[]; nextPageToken: string }> {
    const dataset = await this.getDataset(req.dataset, 'dataset');
    const page = readPage(req.page, v);
    const order = readOrderBy<SnapshotOrder>(
      req.orderBy,
      ['version', 'created_at', 'rows'],
      { key: 'version', direction: 'DESC' },
      v,
    );
    return { dataset, ...pageResult(await this.repo.listSnapshots(dataset.id, order, page), page) };
  }
}

function readProfile(json: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(json || '{"columns":[]}');
  } catch {
    return v.fail('profile_json', 'is not valid JSON');
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success)
    v.fail('profile_json', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data!;
}

function snapshotExists(dataset: string, sha256: string): DatasetError {
  return new DatasetError(
    DatasetErrorCode.SnapshotExists,
    `dataset "${dataset}" already has a snapshot with sha256 ${sha256}`,
    'sha256',
  );
}
