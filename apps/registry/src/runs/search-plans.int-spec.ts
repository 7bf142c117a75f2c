// Plan guard (PostgreSQL): after a bulk load the service itself analyses the search tables, and the
// search and hydration statements it sends then walk indexes, never a sequential scan of runs,
// run_params, run_tags or run_latest_metrics. Not timed: it reads EXPLAIN.
import type { DataSource } from 'typeorm';
import { placeholders, rawQuery } from '@keel/persistence';
import { DATA_SOURCE } from '@keel/runtime';
import { explain, waitForStatistics, type PlanNode } from '../testing/query-plans';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';
import { hydrationStatement } from './run-hydrate';
import { searchRunIdsSql, type RunSearch } from './run-search.query';

/** The tables every search plans over: the planner must never see them without statistics. */
const SEARCH_TABLES = ['runs', 'run_params', 'run_tags', 'run_latest_metrics'];

/** Two experiments of 3,000 runs each, every run with 2 params, a tag and 2 metrics. */
const RUNS = 6000;

/** Sequential scans of the search tables, and nested loops that rescan a materialised side (the 2.6 s plan). */
function badNodes(node: PlanNode): string[] {
  const own: string[] = [];
  const table = node['Relation Name'];
  if (node['Node Type'] === 'Seq Scan' && table && SEARCH_TABLES.includes(table)) own.push(`Seq Scan on ${table}`);
  if (node['Node Type'] === 'Nested Loop' && node.Plans?.some((p) => p['Node Type'] === 'Materialize'))
    own.push('Nested Loop over Materialize');
  return [...own, ...(node.Plans ?? []).flatMap(badNodes)];
}

describe('search plans on PostgreSQL', () => {
  let h: RegistryHarness;
  let db: DataSource;
  let experimentId = '';

  beforeAll(async () => {
    h = await startRegistry('postgres');
    db = h.service.app.get<DataSource>(DATA_SOURCE);
    experimentId = (await h.clients.runs.CreateExperiment({ name: 'plans' })).id;
    const other = (await h.clients.runs.CreateExperiment({ name: 'other' })).id;
    // A bulk load behind the service's back, as a restore or an import would do it.
    const run = `'00000000-0000-4000-8000-' || lpad(i::text, 12, '0')`;
    await db.transaction(async (m) => {
      await m.query(
        `INSERT INTO runs (id, experiment_id, name, status, start_time, end_time)
         SELECT ${run}, CASE WHEN i % 2 = 0 THEN $1 ELSE $2 END, 'run-' || i, 'FINISHED', 1700000000000 + i, NULL
           FROM generate_series(1, ${RUNS}) i`,
        [experimentId, other],
      );
      await m.query(
        `INSERT INTO run_params (run_id, key, value) SELECT ${run}, k, (i % 50)::text
           FROM generate_series(1, ${RUNS}) i, (VALUES ('depth'), ('lr')) AS p(k)`,
      );
      await m.query(
        `INSERT INTO run_tags (run_id, key, value) SELECT ${run}, 'team', 't' || (i % 40) FROM generate_series(1, ${RUNS}) i`,
      );
      await m.query(
        `INSERT INTO run_latest_metrics (run_id, key, value, step, logged_at)
         SELECT ${run}, k, ((i * 7919) % 10000) / 10000.0, 1, 1700000000000 FROM generate_series(1, ${RUNS}) i,
           (VALUES ('auc'), ('loss')) AS m(k)`,
      );
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('should analyse the search tables by itself after a bulk load', async () => {
    await waitForStatistics(db, SEARCH_TABLES, RUNS * 0.9, 45_000);
  }, 60_000);

  const base: RunSearch = {
    experimentIds: [],
    statuses: [],
    params: [],
    tags: [],
    metrics: [],
    order: { kind: 'attribute', column: 'start_time', direction: 'DESC' },
    page: { limit: 100, offset: 0 },
  };
  const cases: [string, () => RunSearch][] = [
    [
      'a metric threshold ordered by that metric',
      () => ({
        ...base,
        experimentIds: [experimentId],
        metrics: [{ key: 'auc', op: '>', value: 0.5 }],
        order: { kind: 'metric', key: 'auc', direction: 'DESC' },
      }),
    ],
    [
      'a threshold with a param and a tag',
      () => ({
        ...base,
        experimentIds: [experimentId],
        metrics: [{ key: 'auc', op: '>', value: 0.5 }],
        params: [{ key: 'depth', value: '3' }],
        tags: [{ key: 'team', value: 't7' }],
        order: { kind: 'metric', key: 'auc', direction: 'DESC' },
      }),
    ],
    [
      'a selective threshold ordered by another metric',
      () => ({
        ...base,
        experimentIds: [experimentId],
        metrics: [{ key: 'auc', op: '>', value: 0.99 }],
        order: { kind: 'metric', key: 'loss', direction: 'ASC' },
      }),
    ],
    ['the newest runs of an experiment', () => ({ ...base, experimentIds: [experimentId] })],
  ];

  it.each(cases)('should walk indexes for %s', async (_, search) => {
    const { sql, params } = searchRunIdsSql(search());
    const { plan, text } = await explain(db, placeholders(db, sql), params);
    expect({ bad: badNodes(plan), plan: text }).toEqual({ bad: [], plan: text });
  });

  it('should hydrate a page through the primary keys', async () => {
    const ids = (await rawQuery<{ id: string }>(db, 'SELECT id FROM runs ORDER BY start_time DESC LIMIT 100')).map(
      (r) => r.id,
    );
    const { sql, params } = hydrationStatement(ids);
    const { plan, text } = await explain(db, placeholders(db, sql), params);
    expect({ bad: badNodes(plan), plan: text }).toEqual({ bad: [], plan: text });
  });
});
