import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { pageResult, readOrderBy, readPage, type ListQuery } from '@keel/domain';
import { isUniqueViolation, writeTransaction } from '@keel/persistence';
import type { ExperimentRow, MetricRow, RunArtifactRow, RunRow } from './runs.entities';
import { compareRuns, type RunComparison } from './run-compare';
import { TERMINAL_STATUSES } from './run-status';
import { searchRunIds, type RunSearch } from './run-search.query';
import type {
  CreateExperimentCommand,
  CreateRunCommand,
  EndRunCommand,
  KeyValueInput,
  ListRunArtifactsQuery,
  LogArtifactCommand,
  LogBatchCommand,
  MetricHistoryQuery,
  UpdateRunCommand,
} from './runs.commands';
import { RunError, RunErrorCode, runInput as v } from './runs.errors';
import { RunsRepository, type MetricPoint, type RunView } from './runs.repository';

const MAX_BATCH_METRICS = 10_000;
const MAX_BATCH_PARAMS = 1_000;
const TERMINAL = TERMINAL_STATUSES;

@Injectable()
export class RunsService {
  constructor(
    private readonly repo: RunsRepository,
    private readonly artifacts: ArtifactsService,
  ) {}

  async createExperiment(req: CreateExperimentCommand): Promise<ExperimentRow> {
    const row: ExperimentRow = {
      id: randomUUID(),
      name: experimentName(req.name),
      description: v.text(req.description, 'description', 10_000),
      createdAt: Date.now(),
    };
    try {
      await this.repo.insertExperiment(row);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new RunError(RunErrorCode.ExperimentExists, `experiment "${row.name}" already exists`, 'name');
      throw err;
    }
    return row;
  }

  async getExperiment(id: string, name: string): Promise<ExperimentRow> {
    const found = id
      ? await this.repo.findExperiment({ id: v.id(id, 'id') })
      : await this.repo.findExperiment({ name: experimentName(name) });
    if (!found)
      throw new RunError(
        RunErrorCode.ExperimentNotFound,
        `experiment ${id ? `id ${id}` : `"${name}"`} not found`,
        id ? 'id' : 'name',
      );
    return found;
  }

  async listExperiments(req: ListQuery) {
    const page = readPage(req.page, v);
    const order = readOrderBy(req.orderBy, ['name', 'created_at'] as const, { key: 'name', direction: 'ASC' }, v);
    return pageResult(await this.repo.listExperiments(order, page), page);
  }

  async createRun(req: CreateRunCommand): Promise<RunView> {
    const experiment = await this.repo.findExperiment({ id: v.id(req.experimentId, 'experiment_id') });
    if (!experiment)
      throw new RunError(
        RunErrorCode.ExperimentNotFound,
        `experiment id ${req.experimentId} not found`,
        'experiment_id',
      );
    const id = randomUUID();
    const row: RunRow = {
      id,
      experimentId: experiment.id,
      name: req.name ? v.text(req.name, 'name', 255) : `run-${id.slice(0, 8)}`,
      status: 'RUNNING',
      startTime: req.startTimeMs > 0 ? req.startTimeMs : Date.now(),
      endTime: null,
      snapshotSha256: v.optionalSha256(req.snapshotSha256, 'snapshot_sha256'),
    };
    const params = keyValues(req.params, 'params', MAX_BATCH_PARAMS).map((p) => ({ runId: id, ...p }));
    const tags = keyValues(req.tags, 'tags', MAX_BATCH_PARAMS).map((t) => ({ runId: id, ...t }));
    await this.repo.insertRun(row, params, tags);
    return (await this.repo.hydrate([id]))[0]!;
  }

  async getRun(runId: string, field = 'run_id'): Promise<RunView> {
    const [run] = await this.repo.hydrate([v.id(runId, field)]);
    if (!run) throw new RunError(RunErrorCode.RunNotFound, `run ${runId} not found`, field);
    return run;
  }

  /** For lineage: the run, or null when the registry does not know it. */
  async findRun(runId: string): Promise<RunView | null> {
    return (await this.repo.hydrate([runId]))[0] ?? null;
  }

  async findExperiment(id: string): Promise<ExperimentRow | null> {
    return this.repo.findExperiment({ id });
  }

  async updateRun(req: UpdateRunCommand): Promise<RunView> {
    const run = await this.getRun(req.runId);
    const status = req.status;
    if (status && TERMINAL.includes(run.status)) throw ended(run);
    const endTime = status && TERMINAL.includes(status) ? (req.endTimeMs > 0 ? req.endTimeMs : Date.now()) : undefined;
    await this.repo.updateRun(run.id, {
      ...(req.name ? { name: v.text(req.name, 'name', 255) } : {}),
      ...(status ? { status } : {}),
      ...(endTime ? { endTime } : {}),
    });
    return this.getRun(run.id);
  }

  async endRun(req: EndRunCommand): Promise<RunView> {
    if (!TERMINAL.includes(req.status))
      v.fail('status', 'must be RUN_STATUS_FINISHED, RUN_STATUS_FAILED or RUN_STATUS_KILLED');
    return this.updateRun({ runId: req.runId, name: '', status: req.status, endTimeMs: req.endTimeMs });
  }

  /** Metrics, params and tags in one transaction; params are write-once (same value again is fine). */
  async logBatch(req: LogBatchCommand): Promise<number> {
    const runId = v.id(req.runId, 'run_id');
    if (req.metrics.length > MAX_BATCH_METRICS)
      v.fail('metrics', `must hold at most ${MAX_BATCH_METRICS} points per batch`);
    const now = Date.now();
    const metrics: MetricPoint[] = req.metrics.map((m, i) => ({
      key: v.key(m.key, `metrics[${i}].key`),
      value: Number.isFinite(m.value) ? m.value : v.fail(`metrics[${i}].value`, 'must be a finite number'),
      step: Number.isSafeInteger(m.step) ? m.step : v.fail(`metrics[${i}].step`, 'must be an integer'),
      timestamp: m.timestampMs > 0 ? m.timestampMs : now,
    }));
    const params = keyValues(req.params, 'params', MAX_BATCH_PARAMS);
    const tags = keyValues(req.tags, 'tags', MAX_BATCH_PARAMS).map((t) => ({ runId, ...t }));
    if (params.length === 0 && tags.length === 0) {
      // The common case, a training loop's points: the repository writes them in one statement where it can.
      if (!(await this.repo.logMetrics(runId, metrics)))
        throw new RunError(RunErrorCode.RunNotFound, `run ${runId} not found`, 'run_id');
      return metrics.length;
    }
    await writeTransaction(this.repo.dataSource, async (manager) => {
      if (!(await this.repo.lockRunForWrite(manager, runId)))
        throw new RunError(RunErrorCode.RunNotFound, `run ${runId} not found`, 'run_id');
      const existing = params.length
        ? new Map(
            (
              await this.repo.findParams(
                manager,
                runId,
                params.map((p) => p.key),
              )
            ).map((p) => [p.key, p.value]),
          )
        : new Map<string, string>();
      for (const p of params) {
        const was = existing.get(p.key);
        if (was !== undefined && was !== p.value)
          throw new RunError(
            RunErrorCode.ParamConflict,
            `param "${p.key}" was already logged as "${was}"; params are write-once`,
            `params.${p.key}`,
          );
      }
      const fresh = params.filter((p) => !existing.has(p.key)).map((p) => ({ runId, ...p }));
      await this.repo.logBatch(manager, runId, metrics, fresh, tags);
    });
    return metrics.length;
  }

  async metricHistory(req: MetricHistoryQuery): Promise<{ items: MetricRow[]; nextPageToken: string }> {
    const run = await this.getRun(req.runId);
    const page = readPage(req.page, v);
    const order = readOrderBy(req.orderBy, ['step', 'timestamp'] as const, { key: 'step', direction: 'ASC' }, v);
    return pageResult(await this.repo.metricHistory(run.id, v.key(req.key, 'key'), order, page), page);
  }

  async searchRuns(search: RunSearch): Promise<{ items: RunView[]; nextPageToken: string }> {
    const ids = await searchRunIds(this.repo.dataSource, search);
    const { items, nextPageToken } = pageResult(ids, search.page);
    return { items: await this.repo.hydrate(items), nextPageToken };
  }

  async compareRuns(req: { runIds: string[] }): Promise<RunComparison> {
    if (req.runIds.length < 1 || req.runIds.length > 100) v.fail('run_ids', 'must list 1 to 100 runs');
    const ids = req.runIds.map((id, i) => v.id(id, `run_ids[${i}]`));
    const runs = await this.repo.hydrate(ids);
    const missing = ids.find((id) => !runs.some((r) => r.id === id));
    if (missing)
      throw new RunError(RunErrorCode.RunNotFound, `run ${missing} not found`, `run_ids[${ids.indexOf(missing)}]`);
    return compareRuns(runs);
  }

  /** Attaches an already-uploaded, content-addressed artifact to a run under a relative path. */
  async logArtifact(req: LogArtifactCommand): Promise<RunArtifactRow> {
    const run = await this.getRun(req.runId);
    const path = artifactPath(req.path);
    const sha256 = v.sha256(req.sha256, 'sha256');
    const info = await this.artifacts.stat(sha256);
    if (!info)
      throw new RunError(
        RunErrorCode.ArtifactNotFound,
        `no artifact with sha256 ${sha256} in the store; upload it first`,
        'sha256',
      );
    const row: RunArtifactRow = { runId: run.id, path, sha256, size: info.size, uri: info.uri, createdAt: Date.now() };
    try {
      await this.repo.insertArtifact(row);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new RunError(
          RunErrorCode.ArtifactPathExists,
          `run ${run.id} already has an artifact at "${path}"`,
          'path',
        );
      throw err;
    }
    return row;
  }

  async listArtifacts(req: ListRunArtifactsQuery) {
    const run = await this.getRun(req.runId);
    const page = readPage(req.page, v);
    const order = readOrderBy(req.orderBy, ['path', 'size'] as const, { key: 'path', direction: 'ASC' }, v);
    return pageResult(await this.repo.listArtifacts(run.id, order, page), page);
  }
}

// Experiments follow the one naming rule of every other name (datasets, models, aliases).
function experimentName(name: string): string {
  return v.name(name, 'name');
}

function keyValues(items: KeyValueInput[], field: string, max: number): { key: string; value: string }[] {
  if (items.length > max) v.fail(field, `must hold at most ${max} entries`);
  const seen = new Set<string>();
  return items.map((kv, i) => {
    const key = v.key(kv.key, `${field}[${i}].key`);
    if (seen.has(key)) v.fail(`${field}[${i}].key`, `repeats "${key}"`);
    seen.add(key);
    return { key, value: v.text(kv.value, `${field}[${i}].value`, 1024) };
  });
}

/** A relative, normalized name inside the run; it labels the artifact and never becomes a file path. */
function artifactPath(path: string): string {
  const ok =
    /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path) &&
    path.length <= 512 &&
    !path.split('/').some((s) => s === '.' || s === '..');
  return ok
    ? path
    : v.fail(
        'path',
        'must be a relative path of letters, digits, ".", "_", "-" separated by "/", without "." or ".." segments',
      );
}

function ended(run: RunRow): RunError {
  return new RunError(RunErrorCode.RunAlreadyEnded, `run ${run.id} already ended with ${run.status}`, 'status');
}
