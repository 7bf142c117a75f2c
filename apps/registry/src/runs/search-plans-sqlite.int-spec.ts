import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@keel/runtime';
import { rawQuery, writeTransaction } from '@keel/persistence';
import { startRegistry, type RegistryHarness } from '../testing/registry-harness';
import {
  BROAD_THRESHOLD_ROWS,
  searchRunIds,
  searchRunIdsSql,
  walksOrderIndex,
  type RunSearch,
} from './run-search.query';

/** Two experiments of 3,000 runs each, every run with `auc` and `loss` (with ties in `loss`). */
const RUNS = 6000;

describe('search plans on SQLite', () => {
  let h: RegistryHarness;
  let db: DataSource;
  let experimentId = '';

  beforeAll(async () => {
    h = await startRegistry('sqlite');
    db = h.service.app.get<DataSource>(DATA_SOURCE);
    experimentId = (await h.clients.runs.CreateExperiment({ name: 'plans' })).id;
    const other = (await h.clients.runs.CreateExperiment({ name: 'other' })).id;
    const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${RUNS})`;
    const run = `printf('00000000-0000-4000-8000-%012d', i)`;
    // A bulk load behind the service's back, as a restore or an import would do it.
    await writeTransaction(db, async (m) => {
      await m.query(
        `${seq} INSERT INTO runs (id, experiment_id, name, status, start_time, end_time)
         SELECT ${run}, CASE WHEN i % 2 = 0 THEN ? ELSE ? END, 'run-' || i, 'FINISHED', 1700000000000 + i, NULL
           FROM seq`,
        [experimentId, other],
      );
      await m.query(
        `${seq} INSERT INTO run_latest_metrics (run_id, key, value, step, logged_at)
         SELECT ${run}, 'auc', ((i * 7919) % 10000) / 10000.0, 1, 1700000000000 FROM seq
         UNION ALL SELECT ${run}, 'loss', ((i * 104729) % 997) / 997.0, 1, 1700000000000 FROM seq`,
      );
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  const search = (threshold: number, offset: number): RunSearch => ({
    experimentIds: [experimentId],
    statuses: [],
    params: [],
    tags: [],
    metrics: [{ key: 'auc', op: '>', value: threshold }],
    order: { kind: 'metric', key: 'loss', direction: 'ASC' },
    page: { limit: 100, offset },
  });
  const plan = async (s: RunSearch, walk: boolean) => {
    const { sql, params } = searchRunIdsSql(s, walk);
    return (await rawQuery<{ detail: string }>(db, `EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
  };
  const ids = async (s: RunSearch, walk: boolean) => {
    const { sql, params } = searchRunIdsSql(s, walk);
    return (await rawQuery<{ id: string }>(db, sql, params)).map((r) => r.id);
  };

  it('should walk the order metric in its index when the threshold matches many runs', async () => {
    expect(RUNS / 2).toBeGreaterThan(BROAD_THRESHOLD_ROWS);
    expect(await walksOrderIndex(db, search(0.5, 0))).toBe(true);
    expect((await plan(search(0.5, 0), true))[0]).toMatch(
      /^SEARCH o USING COVERING INDEX run_latest_metrics_key_value_idx/,
    );
  });

  it('should start from the threshold when it matches few runs', async () => {
    expect(await walksOrderIndex(db, search(0.99, 0))).toBe(false);
    expect((await plan(search(0.99, 0), false))[0]).toMatch(
      /^SEARCH m0 USING COVERING INDEX run_latest_metrics_key_value_idx/,
    );
  });

  it('should return the same pages whichever side drives the search', async () => {
    for (const threshold of [0.5, 0.99])
      for (const offset of [0, 150, 1400]) {
        const thresholdFirst = await ids(search(threshold, offset), false);
        expect(await ids(search(threshold, offset), true)).toEqual(thresholdFirst);
        expect(await searchRunIds(db, search(threshold, offset))).toEqual(thresholdFirst);
      }
    expect((await ids(search(0.5, 0), true)).length).toBe(101);
  });
});
