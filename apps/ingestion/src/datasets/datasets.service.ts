import { Injectable } from '@nestjs/common';
import { checkSchema, schemaChanges, SchemaError, type DatasetSchema } from '@keel/datasets';
import { writeTransaction, isUniqueViolation } from '@keel/persistence';
import type { EntityManager } from 'typeorm';
import { TopicAdmin } from '../common/kafka.module';
import type { CreateDatasetCommand, Dataset, SnapshotPolicy, UpdateSchemaCommand } from './datasets.commands';
import { IngestionError, IngestionErrorCode, ingestionInput as v } from './datasets.errors';
import { DatasetsRepository } from './datasets.repository';

const MAX_EVERY_RECORDS = 1_000_000_000;
const MAX_INTERVAL_SECONDS = 30 * 86_400;
const MAX_WINDOW_RECORDS = 1_000_000_000;
const MAX_WINDOW_SECONDS = 366 * 86_400;
const TOPIC_WAIT_MS = 5000;

/** Dataset schemas: create, evolve, read. Other contexts are told about changes through onChange. */
@Injectable()
export class DatasetsService {
  private readonly listeners = new Set<(name: string) => void>();

  constructor(
    private readonly repo: DatasetsRepository,
    private readonly topics: TopicAdmin,
  ) {}

  onChange(listener: (name: string) => void): void {
    this.listeners.add(listener);
  }

  async createDataset(cmd: CreateDatasetCommand): Promise<Dataset> {
    const name = v.name(cmd.name, 'name');
    const schema = validSchema({
      columns: cmd.columns,
      target: cmd.target,
      ...(cmd.entityKey ? { entityKey: cmd.entityKey } : {}),
      ...(cmd.eventTime ? { eventTime: cmd.eventTime } : {}),
    });
    const policy = validPolicy(cmd.policy);
    if (policy.windowSeconds > 0 && !schema.eventTime)
      v.fail('policy.window_seconds', 'a time window needs an event-time column');
    if (cmd.dedupe && !(schema.entityKey && schema.eventTime))
      v.fail('dedupe', 'dedupe needs both an entity key and an event-time column');
    const now = Date.now();
    const dataset: Dataset = {
      name,
      schema,
      schemaVersion: 1,
      policy,
      dedupe: cmd.dedupe === true,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await writeTransaction(this.repo.dataSource, (m) => this.repo.insert(m, dataset));
    } catch (err) {
      if (isUniqueViolation(err))
        throw new IngestionError(IngestionErrorCode.DatasetExists, `dataset "${name}" already exists`, 'name');
      throw err;
    }
    // The consumer's refresh creates the topics too: a broker outage now delays them, never the create.
    await Promise.race([
      this.topics.ensureIngestTopics(name).catch(() => undefined),
      new Promise((r) => setTimeout(r, TOPIC_WAIT_MS).unref()),
    ]);
    this.changed(name);
    return dataset;
  }

  /**
   * A new schema version. A compatible change (an optional column added) always applies; a breaking one
   * is refused while records staged under an older version wait for a snapshot, unless forced.
   */
  async updateSchema(cmd: UpdateSchemaCommand): Promise<Dataset> {
    const current = await this.getDataset(cmd.name);
    const schema = validSchema({ ...current.schema, columns: cmd.columns });
    const { compatible, changes } = schemaChanges(current.schema, schema);
    if (changes.length === 0) return current;
    if (!compatible && !cmd.force) {
      const staged = await this.repo.stagedCount(current.name);
      if (staged > 0)
        throw new IngestionError(
          IngestionErrorCode.SchemaChangeRefused,
          `breaking schema change (${changes.join('; ')}) refused: ${staged} records of schema version ` +
            `${current.schemaVersion} are staged; snapshot them first or force`,
          'columns',
        );
    }
    const version = current.schemaVersion + 1;
    await writeTransaction(this.repo.dataSource, (m) => this.repo.updateSchema(m, current.name, schema, version));
    this.changed(current.name);
    return { ...current, schema, schemaVersion: version };
  }

  async getDataset(name: string, field = 'name'): Promise<Dataset> {
    // One naming rule on every path in: a hostile name is INVALID_ARGUMENT, never a lookup.
    const found = await this.repo.find(v.name(name, field));
    if (!found) throw new IngestionError(IngestionErrorCode.DatasetNotFound, `dataset "${name}" not found`, field);
    return found;
  }

  /** The dataset, or null when it does not exist (the consumer dead-letters its records). */
  findDataset(name: string): Promise<Dataset | null> {
    return this.repo.find(name);
  }

  listDatasets(): Promise<Dataset[]> {
    return this.repo.list();
  }

  /** Counts a committed batch's outcome, inside the consumer's transaction. */
  addCounts(manager: EntityManager, name: string, accepted: number, rejected: number, duplicates = 0): Promise<void> {
    return this.repo.addCounts(manager, name, accepted, rejected, duplicates);
  }

  setLatestVersion(manager: EntityManager, name: string, version: number): Promise<void> {
    return this.repo.setLatestVersion(manager, name, version);
  }

  stagedCount(name: string): Promise<number> {
    return this.repo.stagedCount(name);
  }

  private changed(name: string): void {
    for (const l of this.listeners) l(name);
  }
}

function validSchema(schema: DatasetSchema): DatasetSchema {
  try {
    return checkSchema(schema);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    const first = err.problems[0]!;
    throw new IngestionError(IngestionErrorCode.InvalidArgument, `invalid schema: ${err.message}`, first.field);
  }
}

function validPolicy(p: SnapshotPolicy): SnapshotPolicy {
  const everyRecords = Number(p.everyRecords);
  const intervalSeconds = Number(p.intervalSeconds);
  if (!Number.isInteger(everyRecords) || everyRecords < 0 || everyRecords > MAX_EVERY_RECORDS)
    v.fail('policy.every_records', `must be an integer from 0 to ${MAX_EVERY_RECORDS}`);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > MAX_INTERVAL_SECONDS)
    v.fail('policy.interval_seconds', `must be an integer from 0 to ${MAX_INTERVAL_SECONDS}`);
  const windowRecords = Number(p.windowRecords ?? 0);
  const windowSeconds = Number(p.windowSeconds ?? 0);
  if (!Number.isInteger(windowRecords) || windowRecords < 0 || windowRecords > MAX_WINDOW_RECORDS)
    v.fail('policy.window_records', `must be an integer from 0 to ${MAX_WINDOW_RECORDS}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 0 || windowSeconds > MAX_WINDOW_SECONDS)
    v.fail('policy.window_seconds', `must be an integer from 0 to ${MAX_WINDOW_SECONDS}`);
  return { everyRecords, intervalSeconds, windowRecords, windowSeconds };
}
