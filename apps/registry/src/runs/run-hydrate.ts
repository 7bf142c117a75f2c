import type { DataSource } from 'typeorm';
import { rawQuery } from '@keel/persistence';
import type { LatestMetricRow, RunParamRow, RunRow, RunStatusName, RunTagRow } from './runs.entities';
import type { RunView } from './runs.repository';

/** One row of the hydration statement: a run ('r'), a param ('p'), a tag ('t') or a latest metric ('m'). */
interface HydrationRecord {
  kind: 'r' | 'p' | 't' | 'm';
  run_id: string;
  /** experiment_id of a run; key of a param, tag or metric */
  k: string;
  /** name of a run; value of a param or tag */
  s: string | null;
  status: RunStatusName | null;
  /** start_time of a run; step of a metric */
  n1: string | number | null;
  /** end_time of a run; logged_at of a metric */
  n2: string | number | null;
  sha: string | null;
  /** value of a metric */
  num: number | null;
}

/**
 * Runs with their params, tags and latest metrics in the order of `ids`: one statement (four indexed
 * selects as a UNION ALL) in plain SQL, so one round trip on one connection. A page of search results
 * is hydrated on every search: on a loaded PostgreSQL server every statement is a wake-up of a server
 * process, and four at once on four pooled connections cost more than the one.
 */
export async function hydrateRuns(db: DataSource, ids: string[]): Promise<RunView[]> {
  if (ids.length === 0) return [];
  const { sql, params } = hydrationStatement(ids);
  const byId = new Map<string, RunView>();
  const records = await rawQuery<HydrationRecord>(db, sql, params);
  for (const r of records)
    if (r.kind === 'r') {
      const row: RunRow = {
        id: r.run_id,
        experimentId: r.k,
        name: r.s ?? '',
        status: r.status!,
        startTime: Number(r.n1),
        endTime: r.n2 === null ? null : Number(r.n2),
        snapshotSha256: r.sha,
      };
      byId.set(r.run_id, { ...row, params: [], tags: [], latestMetrics: [] });
    }
  for (const r of records) {
    const run = byId.get(r.run_id);
    if (!run || r.kind === 'r') continue;
    if (r.kind === 'p') run.params.push({ runId: r.run_id, key: r.k, value: r.s ?? '' } satisfies RunParamRow);
    else if (r.kind === 't') run.tags.push({ runId: r.run_id, key: r.k, value: r.s ?? '' } satisfies RunTagRow);
    else
      run.latestMetrics.push({
        runId: r.run_id,
        key: r.k,
        value: Number(r.num),
        step: Number(r.n1),
        timestamp: Number(r.n2),
      } satisfies LatestMetricRow);
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const TEXT = 'CAST(NULL AS varchar)';
const BIGINT = 'CAST(NULL AS bigint)';
const FLOAT = 'CAST(NULL AS double precision)';

/**
 * The hydration statement for `ids` (`?` placeholders, the ids once per select); the plan guard
 * EXPLAINs it. NULLs are typed: PostgreSQL resolves a UNION's column types branch by branch.
 */
export function hydrationStatement(ids: string[]): { sql: string; params: string[] } {
  const marks = ids.map(() => '?').join(', ');
  const sql = `SELECT 'r' AS kind, id AS run_id, experiment_id AS k, name AS s, status, start_time AS n1,
         end_time AS n2, snapshot_sha256 AS sha, ${FLOAT} AS num FROM runs WHERE id IN (${marks})
    UNION ALL SELECT 'p', run_id, key, value, ${TEXT}, ${BIGINT}, ${BIGINT}, ${TEXT}, ${FLOAT}
      FROM run_params WHERE run_id IN (${marks})
    UNION ALL SELECT 't', run_id, key, value, ${TEXT}, ${BIGINT}, ${BIGINT}, ${TEXT}, ${FLOAT}
      FROM run_tags WHERE run_id IN (${marks})
    UNION ALL SELECT 'm', run_id, key, ${TEXT}, ${TEXT}, step, logged_at, ${TEXT}, value
      FROM run_latest_metrics WHERE run_id IN (${marks})
    ORDER BY 1, 2, 3`;
  return { sql, params: [...ids, ...ids, ...ids, ...ids] };
}
