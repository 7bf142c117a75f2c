import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@keel/runtime';
import type { PoolClient } from 'pg';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { Direction, Page } from '@keel/domain';
import { chunks, isPostgres, rawQuery, writeTransaction } from '@keel/persistence';
import { numberArrayLiteral, textArrayLiteral } from './pg-array-literal';
import { hydrateRuns } from './run-hydrate';
import {
  ExperimentRow,
  LatestMetricRow,
  MetricRow,
  RunArtifactRow,
  RunParamRow,
  RunRow,
  RunTagRow,
} from './runs.entities';

export interface RunView extends RunRow {
  params: RunParamRow[];
  tags: RunTagRow[];
  latestMetrics: LatestMetricRow[];
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** A later step wins; at the same step, a later (or equal, so later in the batch) timestamp. */
const LATEST_UPSERT = `ON CONFLICT (run_id, key)
  DO UPDATE SET value = excluded.value, step = excluded.step, logged_at = excluded.logged_at
  WHERE excluded.step > run_latest_metrics.step
     OR (excluded.step = run_latest_metrics.step AND excluded.logged_at >= run_latest_metrics.logged_at)`;

/** The latest point of each key in a batch, by the same rule as LATEST_UPSERT. */
function latestPoints(metrics: MetricPoint[]): Map<string, MetricPoint> {
  const latest = new Map<string, MetricPoint>();
  for (const p of metrics) {
    const seen = latest.get(p.key);
    if (!seen || p.step > seen.step || (p.step === seen.step && p.timestamp >= seen.timestamp)) latest.set(p.key, p);
  }
  return latest;
}

/** The points as four PostgreSQL array literals (key, value, step, timestamp) for unnest(). */
const columns = (points: MetricPoint[]): string[] => [
  textArrayLiteral(points.map((p) => p.key)),
  numberArrayLiteral(points.map((p) => p.value)),
  numberArrayLiteral(points.map((p) => p.step)),
  numberArrayLiteral(points.map((p) => p.timestamp)),
];

/**
 * LogMetrics on PostgreSQL, one statement: lock the run (`FOR KEY SHARE`, as in lockRunForWrite), insert the
 * series, upsert the latest points, count the run (0: not found, nothing written). A named prepared
 * statement: each pooled connection parses and plans it once, not on every batch.
 */
const LOG_METRICS_PG = {
  name: 'keel_registry_log_metrics_v1',
  text: `WITH run AS (SELECT id FROM runs WHERE id = $1 FOR KEY SHARE),
    series AS (
      INSERT INTO run_metrics (run_id, key, value, step, logged_at)
      SELECT run.id, k, v, s, t FROM run, unnest($2::varchar[], $3::float8[], $4::bigint[], $5::bigint[]) AS u(k, v, s, t)
    ),
    latest AS (
      INSERT INTO run_latest_metrics (run_id, key, value, step, logged_at)
      SELECT run.id, k, v, s, t FROM run, unnest($6::varchar[], $7::float8[], $8::bigint[], $9::bigint[]) AS u(k, v, s, t)
      ${LATEST_UPSERT}
    )
    SELECT COUNT(*) AS found FROM run`,
};

@Injectable()
export class RunsRepository {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  async insertExperiment(row: ExperimentRow): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(ExperimentRow).insert(row));
  }

  findExperiment(where: { id: string } | { name: string }): Promise<ExperimentRow | null> {
    return this.dataSource.getRepository(ExperimentRow).findOneBy(where);
  }

  listExperiments(order: { key: 'name' | 'created_at'; direction: Direction }, page: Page): Promise<ExperimentRow[]> {
    return this.dataSource
      .getRepository(ExperimentRow)
      .createQueryBuilder('e')
      .orderBy(order.key === 'name' ? 'e.name' : 'e.createdAt', order.direction)
      .addOrderBy('e.id', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  async insertRun(row: RunRow, params: RunParamRow[], tags: RunTagRow[]): Promise<void> {
    await writeTransaction(this.dataSource, async (m) => {
      await m.getRepository(RunRow).insert(row);
      for (const part of chunks(params)) await m.getRepository(RunParamRow).insert(part);
      for (const part of chunks(tags)) await m.getRepository(RunTagRow).insert(part);
    });
  }

  findRun(id: string, manager: EntityManager = this.dataSource.manager): Promise<RunRow | null> {
    return manager.getRepository(RunRow).findOneBy({ id });
  }

  async updateRun(id: string, set: Partial<Pick<RunRow, 'name' | 'status' | 'endTime'>>): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(RunRow).update({ id }, set));
  }

  /** Runs with their params, tags and latest metrics, in the order of `ids`. */
  hydrate(ids: string[]): Promise<RunView[]> {
    return hydrateRuns(this.dataSource, ids);
  }

  findParams(manager: EntityManager, runId: string, keys: string[]): Promise<RunParamRow[]> {
    return manager.getRepository(RunParamRow).findBy({ runId, key: In(keys) });
  }

  /**
   * True when the run exists; on PostgreSQL it also stays so until the caller's transaction ends (the
   * row is locked `FOR KEY SHARE`, what a foreign key check takes): `run_metrics` relies on it.
   */
  async lockRunForWrite(manager: EntityManager, runId: string): Promise<boolean> {
    if (!isPostgres(manager)) return (await this.findRun(runId, manager)) !== null;
    return (await rawQuery(manager, 'SELECT id FROM runs WHERE id = ? FOR KEY SHARE', [runId])).length > 0;
  }

  /**
   * A batch of metrics alone (no params or tags); false when the run does not exist. On PostgreSQL one
   * statement locks the run (`FOR KEY SHARE`, as in lockRunForWrite) and writes the series and the latest
   * points: one round trip and no BEGIN/COMMIT of its own (a statement is atomic), where the transaction
   * took four. On SQLite the same work in a write transaction.
   */
  async logMetrics(runId: string, metrics: MetricPoint[]): Promise<boolean> {
    if (!isPostgres(this.dataSource))
      return writeTransaction(this.dataSource, async (m) => {
        if (!(await this.lockRunForWrite(m, runId))) return false;
        await this.logBatch(m, runId, metrics, [], []);
        return true;
      });
    const runner = this.dataSource.createQueryRunner('master');
    try {
      const client = (await runner.connect()) as PoolClient;
      const values = [runId, ...columns(metrics), ...columns([...latestPoints(metrics).values()])];
      const { rows } = await client.query<{ found: string }>({ ...LOG_METRICS_PG, values });
      return Number(rows[0]!.found) > 0;
    } finally {
      await runner.release();
    }
  }

  /**
   * The series and the latest point per key. PostgreSQL: one statement for both (a data-modifying WITH),
   * the points as arrays; SQLite: a multi-row INSERT per chunk, then the upsert.
   */
  async logBatch(
    manager: EntityManager,
    runId: string,
    metrics: MetricPoint[],
    newParams: RunParamRow[],
    tags: RunTagRow[],
  ): Promise<void> {
    const latest = [...latestPoints(metrics).values()];
    if (isPostgres(manager)) {
      // Arrays instead of 5 x 1,000 bound values: PostgreSQL parses and plans one statement, and pg
      // serialises a few arrays instead of 5,000 parameters; one round trip for series and latest.
      if (metrics.length > 0)
        await rawQuery(
          manager,
          `WITH series AS (
             INSERT INTO run_metrics (run_id, key, value, step, logged_at)
             SELECT ?, k, v, s, t FROM unnest(?::varchar[], ?::float8[], ?::bigint[], ?::bigint[]) AS u(k, v, s, t)
           )
           INSERT INTO run_latest_metrics (run_id, key, value, step, logged_at)
           SELECT ?, k, v, s, t FROM unnest(?::varchar[], ?::float8[], ?::bigint[], ?::bigint[]) AS u(k, v, s, t)
           ${LATEST_UPSERT}`,
          [runId, ...columns(metrics), runId, ...columns(latest)],
        );
    } else {
      for (const part of chunks(metrics)) {
        const values = part.map(() => '(?, ?, ?, ?, ?)').join(', ');
        await rawQuery(
          manager,
          `INSERT INTO run_metrics (run_id, key, value, step, logged_at) VALUES ${values}`,
          part.flatMap((p) => [runId, p.key, p.value, p.step, p.timestamp]),
        );
      }
      for (const part of chunks(latest)) {
        const values = part.map(() => '(?, ?, ?, ?, ?)').join(', ');
        await rawQuery(
          manager,
          `INSERT INTO run_latest_metrics (run_id, key, value, step, logged_at) VALUES ${values} ${LATEST_UPSERT}`,
          part.flatMap((p) => [runId, p.key, p.value, p.step, p.timestamp]),
        );
      }
    }
    for (const part of chunks(newParams)) await manager.getRepository(RunParamRow).insert(part);
    for (const part of chunks(tags)) {
      const values = part.map(() => '(?, ?, ?)').join(', ');
      await rawQuery(
        manager,
        `INSERT INTO run_tags (run_id, key, value) VALUES ${values} ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
        part.flatMap((t) => [t.runId, t.key, t.value]),
      );
    }
  }

  metricHistory(
    runId: string,
    key: string,
    order: { key: 'step' | 'timestamp'; direction: Direction },
    page: Page,
  ): Promise<MetricRow[]> {
    const [first, second] = order.key === 'step' ? ['m.step', 'm.timestamp'] : ['m.timestamp', 'm.step'];
    return this.dataSource
      .getRepository(MetricRow)
      .createQueryBuilder('m')
      .where('m.runId = :runId AND m.key = :key', { runId, key })
      .orderBy(first, order.direction)
      .addOrderBy(second, order.direction)
      .addOrderBy('m.id', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }

  async insertArtifact(row: RunArtifactRow): Promise<void> {
    await writeTransaction(this.dataSource, (m) => m.getRepository(RunArtifactRow).insert(row));
  }

  findArtifact(runId: string, path: string): Promise<RunArtifactRow | null> {
    return this.dataSource.getRepository(RunArtifactRow).findOneBy({ runId, path });
  }

  listArtifacts(
    runId: string,
    order: { key: 'path' | 'size'; direction: Direction },
    page: Page,
  ): Promise<RunArtifactRow[]> {
    return this.dataSource
      .getRepository(RunArtifactRow)
      .createQueryBuilder('a')
      .where('a.runId = :runId', { runId })
      .orderBy(order.key === 'path' ? 'a.path' : 'a.size', order.direction)
      .addOrderBy('a.path', order.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
  }
}
