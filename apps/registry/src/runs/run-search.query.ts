import type { DataSource } from 'typeorm';
import type { Direction, Page } from '@keel/domain';
import { rawQuery } from '@keel/persistence';
import type { RunStatusName } from './runs.entities';

export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface RunSearch {
  experimentIds: string[];
  statuses: RunStatusName[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
  metrics: { key: string; op: ComparisonOp; value: number }[];
  order:
    | { kind: 'attribute'; column: 'start_time' | 'end_time' | 'name'; direction: Direction }
    | { kind: 'metric'; key: string; direction: Direction };
  page: Page;
}

/**
 * One SQL statement over indexed tables: thresholds join run_latest_metrics on its (key, value) index,
 * params and tags are EXISTS probes on (key, value), and only the page's ids come back.
 */
export async function searchRunIds(db: DataSource, s: RunSearch): Promise<string[]> {
  const { sql, params } = searchRunIdsSql(s);
  const rows = await rawQuery<{ id: string }>(db, sql, params);
  return rows.map((r) => r.id);
}

/** The search statement (with `?` placeholders) and its parameters; the plan guard EXPLAINs exactly this. */
export function searchRunIdsSql(s: RunSearch): { sql: string; params: unknown[] } {
  const joins: string[] = [];
  const where: string[] = [];
  const params: unknown[] = [];
  s.metrics.forEach((m, i) => {
    joins.push(`JOIN run_latest_metrics m${i} ON m${i}.run_id = r.id AND m${i}.key = ? AND m${i}.value ${m.op} ?`);
    params.push(m.key, m.value);
  });
  let orderBy: string;
  const filtered =
    s.order.kind === 'metric' ? s.metrics.findIndex((m) => m.key === (s.order as { key: string }).key) : -1;
  if (s.order.kind === 'metric' && filtered >= 0) {
    // Ordering by a metric that is also filtered: every row has it, so walk that join's index in order.
    orderBy = `m${filtered}.value ${s.order.direction}, r.start_time DESC, r.id DESC`;
  } else if (s.order.kind === 'metric') {
    // A LEFT JOIN so runs without the metric still match; they sort last in either direction.
    joins.push('LEFT JOIN run_latest_metrics o ON o.run_id = r.id AND o.key = ?');
    params.push(s.order.key);
    orderBy = `CASE WHEN o.value IS NULL THEN 1 ELSE 0 END, o.value ${s.order.direction}, r.start_time DESC, r.id DESC`;
  } else {
    orderBy = `r.${s.order.column} ${s.order.direction}, r.id ${s.order.direction}`;
  }
  if (s.experimentIds.length) {
    where.push(`r.experiment_id IN (${s.experimentIds.map(() => '?').join(', ')})`);
    params.push(...s.experimentIds);
  }
  if (s.statuses.length) {
    where.push(`r.status IN (${s.statuses.map(() => '?').join(', ')})`);
    params.push(...s.statuses);
  }
  for (const p of s.params) {
    where.push('EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.id AND p.key = ? AND p.value = ?)');
    params.push(p.key, p.value);
  }
  for (const t of s.tags) {
    where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = ? AND t.value = ?)');
    params.push(t.key, t.value);
  }
  const sql = `SELECT r.id AS id FROM runs r ${joins.join(' ')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
  params.push(s.page.limit + 1, s.page.offset);
  return { sql, params };
}
