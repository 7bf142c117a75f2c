import type { DataSource } from 'typeorm';
import { rawQuery } from '@keel/persistence';
import type { LatestMetricRow, RunParamRow, RunRow, RunStatusName, RunTagRow } from './runs.entities';
import type { RunView } from './runs.repository';

interface RunRecord {
  id: string;
  experiment_id: string;
  name: string;
  status: RunStatusName;
  start_time: string | number;
  end_time: string | number | null;
  snapshot_sha256: string | null;
}
type KeyValueRecord = { run_id: string; key: string; value: string };
type MetricRecord = { run_id: string; key: string; value: number; step: string | number; logged_at: string | number };

/**
 * Runs with their params, tags and latest metrics in the order of `ids`: four indexed queries in
 * plain SQL (a page of search results is hydrated on every search, so ORM overhead shows).
 */
export async function hydrateRuns(db: DataSource, ids: string[]): Promise<RunView[]> {
  if (ids.length === 0) return [];
  const [runsSql, paramsSql, tagsSql, metricsSql] = hydrationSql(ids.length);
  const [runs, params, tags, metrics] = await Promise.all([
    rawQuery<RunRecord>(db, runsSql, ids),
    rawQuery<KeyValueRecord>(db, paramsSql, ids),
    rawQuery<KeyValueRecord>(db, tagsSql, ids),
    rawQuery<MetricRecord>(db, metricsSql, ids),
  ]);
  const byId = new Map<string, RunView>();
  for (const r of runs) {
    const row: RunRow = {
      id: r.id,
      experimentId: r.experiment_id,
      name: r.name,
      status: r.status,
      startTime: Number(r.start_time),
      endTime: r.end_time === null ? null : Number(r.end_time),
      snapshotSha256: r.snapshot_sha256,
    };
    byId.set(r.id, { ...row, params: [], tags: [], latestMetrics: [] });
  }
  for (const p of params)
    byId.get(p.run_id)?.params.push({ runId: p.run_id, key: p.key, value: p.value } satisfies RunParamRow);
  for (const t of tags)
    byId.get(t.run_id)?.tags.push({ runId: t.run_id, key: t.key, value: t.value } satisfies RunTagRow);
  for (const m of metrics) {
    byId.get(m.run_id)?.latestMetrics.push({
      runId: m.run_id,
      key: m.key,
      value: Number(m.value),
      step: Number(m.step),
      timestamp: Number(m.logged_at),
    } satisfies LatestMetricRow);
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The four hydration statements for `count` ids (`?` placeholders); the plan guard EXPLAINs these. */
export function hydrationSql(count: number): [string, string, string, string] {
  const marks = Array.from({ length: count }, () => '?').join(', ');
  return [
    `SELECT id, experiment_id, name, status, start_time, end_time, snapshot_sha256 FROM runs WHERE id IN (${marks})`,
    `SELECT run_id, key, value FROM run_params WHERE run_id IN (${marks}) ORDER BY run_id, key`,
    `SELECT run_id, key, value FROM run_tags WHERE run_id IN (${marks}) ORDER BY run_id, key`,
    `SELECT run_id, key, value, step, logged_at FROM run_latest_metrics WHERE run_id IN (${marks}) ORDER BY run_id, key`,
  ];
}
