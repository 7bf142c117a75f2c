import type { DataSource } from 'typeorm';
import type { Direction, Page } from '@keel/domain';
import { isPostgres, rawQuery } from '@keel/persistence';
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

type Statement = { sql: string; params: unknown[] };

/**
 * Indexed SQL over run_latest_metrics' (key, value, run_id) index: thresholds are joins, params and tags
 * EXISTS probes on (key, value), and only the page's ids come back. Ordered by a metric that is not
 * filtered, the runs that have it come first, walked in that metric's index order, and only when the
 * page is not full the runs without it (newest first) complete it: nothing sorts every match.
 */
export async function searchRunIds(db: DataSource, s: RunSearch): Promise<string[]> {
  const ids = async (st: Statement) => (await rawQuery<{ id: string }>(db, st.sql, st.params)).map((r) => r.id);
  const first = await ids(searchRunIdsSql(s, await walksOrderIndex(db, s)));
  const missing = missingMetricSql(s);
  if (!missing || first.length > s.page.limit) return first;
  // Runs with the metric before this page: all of them if this page holds some, else count them.
  const withMetric =
    first.length > 0 || s.page.offset === 0
      ? s.page.offset + first.length
      : Number((await rawQuery<{ n: string | number }>(db, missing.count.sql, missing.count.params))[0]!.n);
  const rest = await ids(missing.page(s.page.limit + 1 - first.length, Math.max(0, s.page.offset - withMetric)));
  return [...first, ...rest];
}

/** SQLite: a threshold with at least this many matching runs counts as broad (see walksOrderIndex). */
export const BROAD_THRESHOLD_ROWS = 2000;

/**
 * SQLite only: whether a search ordered by a metric it does not filter on should be driven from that
 * metric's index (walked in order, stopping after the page) rather than from its thresholds (every match
 * collected and sorted). Each is fast where the other is slow: 100k runs with `auc > 0.5` ordered by
 * `loss` took 1 s driven from the threshold and 0.6 ms walking `loss`; with `auc > 0.999` 0.2 ms and
 * 1.8 s. PostgreSQL weighs this from its statistics; SQLite has none (and with ANALYZE's it drove even
 * the plain threshold search from `runs`: 0.2 -> 335 ms), so this counts the matches of each threshold
 * in its (key, value) index, stopping at BROAD_THRESHOLD_ROWS: walk the order only when all are broad.
 */
export async function walksOrderIndex(db: DataSource, s: RunSearch): Promise<boolean> {
  const order = s.order;
  if (isPostgres(db) || order.kind !== 'metric' || s.metrics.length === 0) return false;
  if (s.metrics.some((m) => m.key === order.key)) return false;
  for (const m of s.metrics) {
    const [row] = await rawQuery<{ n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM run_latest_metrics WHERE key = ? AND value ${m.op} ? LIMIT ?)`,
      [m.key, m.value, BROAD_THRESHOLD_ROWS],
    );
    if (Number(row!.n) < BROAD_THRESHOLD_ROWS) return false;
  }
  return true;
}

/** The filters every statement shares: threshold joins (their params first) and the WHERE terms. */
function filterParts(s: RunSearch): {
  joins: string[];
  joinParams: unknown[];
  where: string[];
  whereParams: unknown[];
} {
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const where: string[] = [];
  const whereParams: unknown[] = [];
  s.metrics.forEach((m, i) => {
    joins.push(`JOIN run_latest_metrics m${i} ON m${i}.run_id = r.id AND m${i}.key = ? AND m${i}.value ${m.op} ?`);
    joinParams.push(m.key, m.value);
  });
  if (s.experimentIds.length) {
    where.push(`r.experiment_id IN (${s.experimentIds.map(() => '?').join(', ')})`);
    whereParams.push(...s.experimentIds);
  }
  if (s.statuses.length) {
    where.push(`r.status IN (${s.statuses.map(() => '?').join(', ')})`);
    whereParams.push(...s.statuses);
  }
  for (const p of s.params) {
    where.push('EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.id AND p.key = ? AND p.value = ?)');
    whereParams.push(p.key, p.value);
  }
  for (const t of s.tags) {
    where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = ? AND t.value = ?)');
    whereParams.push(t.key, t.value);
  }
  return { joins, joinParams, where, whereParams };
}

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * The (first) search statement (with `?` placeholders) and its parameters; the plan guard EXPLAINs this.
 * `walkOrder` (SQLite, see walksOrderIndex): the same query, written so that SQLite drives it from the
 * order metric's index (the left side of a CROSS JOIN stays the outer loop).
 */
export function searchRunIdsSql(s: RunSearch, walkOrder = false): Statement {
  const { joins, joinParams, where, whereParams } = filterParts(s);
  const params = [...joinParams];
  let orderBy: string;
  const filtered =
    s.order.kind === 'metric' ? s.metrics.findIndex((m) => m.key === (s.order as { key: string }).key) : -1;
  if (s.order.kind === 'metric' && filtered >= 0) {
    // Ordering by a metric that is also filtered: every row has it, so walk that join's index in order.
    orderBy = `m${filtered}.value ${s.order.direction}, r.start_time DESC, r.id DESC`;
  } else if (s.order.kind === 'metric' && walkOrder) {
    const cross = joins.map((j) => `CROSS ${j}`).join(' ');
    return {
      sql: `SELECT r.id AS id FROM run_latest_metrics o CROSS JOIN runs r ON r.id = o.run_id ${cross}
              WHERE ${['o.key = ?', ...where].join(' AND ')}
              ORDER BY o.value ${s.order.direction}, r.start_time DESC, r.id DESC LIMIT ? OFFSET ?`,
      params: [...joinParams, s.order.key, ...whereParams, s.page.limit + 1, s.page.offset],
    };
  } else if (s.order.kind === 'metric') {
    // First the runs that have the order metric, in its index order (see missingMetricSql for the rest).
    joins.push('JOIN run_latest_metrics o ON o.run_id = r.id AND o.key = ?');
    params.push(s.order.key);
    orderBy = `o.value ${s.order.direction}, r.start_time DESC, r.id DESC`;
  } else {
    orderBy = `r.${s.order.column} ${s.order.direction}, r.id ${s.order.direction}`;
  }
  params.push(...whereParams, s.page.limit + 1, s.page.offset);
  return {
    sql: `SELECT r.id AS id FROM runs r ${joins.join(' ')} ${whereClause(where)} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    params,
  };
}

/**
 * Ordered by a metric that is not filtered: the runs without it (they sort last, newest first), and how
 * many runs have it (needed only when a page starts beyond them). Undefined for every other search.
 */
export function missingMetricSql(
  s: RunSearch,
): { page(limit: number, offset: number): Statement; count: Statement } | undefined {
  const order = s.order;
  if (order.kind !== 'metric' || s.metrics.some((m) => m.key === order.key)) return undefined;
  const { joins, joinParams, where, whereParams } = filterParts(s);
  const without = [...where, 'NOT EXISTS (SELECT 1 FROM run_latest_metrics o WHERE o.run_id = r.id AND o.key = ?)'];
  return {
    page: (limit, offset) => ({
      sql: `SELECT r.id AS id FROM runs r ${joins.join(' ')} ${whereClause(without)} ORDER BY r.start_time DESC, r.id DESC LIMIT ? OFFSET ?`,
      params: [...joinParams, ...whereParams, order.key, limit, offset],
    }),
    count: {
      sql: `SELECT COUNT(*) AS n FROM runs r ${joins.join(' ')} JOIN run_latest_metrics o ON o.run_id = r.id AND o.key = ? ${whereClause(where)}`,
      params: [...joinParams, order.key, ...whereParams],
    },
  };
}
