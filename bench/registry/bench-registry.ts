// `npm run bench:registry`: the registry process on SQLite and then on PostgreSQL (a fresh database
// created from KEEL_TEST_DATABASE_URL and dropped afterwards), measured through its real gRPC API from
// this process. Each figure is the median of repeated calls after a warm-up, printed per database
// (`RESULT <name>_sqlite`, `RESULT <name>_postgres`) beside a same-run baseline and the PG/SQLite ratio.
import { startServiceProcess } from '@keel/testing';
import { registryClients, type RegistryClients } from '@keel/clients';
import { median, pool, print as printResult, timeMs } from './bench-kit';
import { CpuMeter } from './bench-cpu';
import { withFreshPostgresDatabase } from './bench-postgres';
import { openSeeder, seedRuns, seedVersions } from './bench-seed';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10_000);
const VERSIONS = Number(process.env['BENCH_VERSIONS'] ?? 5_000);
const REPEATS = 30;
const SIZE = RUNS >= 1000 ? `${Math.round(RUNS / 1000)}k` : String(RUNS);
type Db = 'sqlite' | 'postgres';
const results = new Map<string, Partial<Record<Db, number>>>();
let current: Db = 'sqlite';
/**
 * How the search and alias data get in: `sql` (default) bulk-loads the tables behind the running service
 * (a fresh import: the case where PostgreSQL had no statistics), `api` seeds one gRPC call at a time
 * (minutes at 10k on a loaded machine).
 */
const SEED = process.env['BENCH_SEED'] === 'api' ? 'api' : 'sql';
let seedTarget: { dataDir: string } | { databaseUrl: string } = { dataDir: '' };
let cpuMeter: CpuMeter | undefined;

/** PostgreSQL: waits until the registry itself has analysed the bulk-loaded search tables. */
async function waitForAnalyze(since: number): Promise<void> {
  if (!('databaseUrl' in seedTarget)) return;
  const seeder = await openSeeder(seedTarget);
  try {
    for (;;) {
      const [row] = await seeder.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM pg_stat_user_tables WHERE schemaname = 'registry'
           AND relname IN ('runs', 'run_params', 'run_tags', 'run_latest_metrics')
           AND (coalesce(greatest(last_analyze, last_autoanalyze), 'epoch') < to_timestamp(? / 1000.0)
                OR n_mod_since_analyze > 200 + 0.1 * n_live_tup)`,
        [since],
      );
      if (Number(row!.pending) === 0) break;
      if (Date.now() - since > 120_000) throw new Error('the registry did not analyse the loaded tables in 120 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await seeder.close();
  }
  process.stdout.write(
    `# the registry had analysed the loaded tables ${((Date.now() - since) / 1000).toFixed(1)} s after the load began\n`,
  );
}
function print(name: string, value: number, unit: string): void {
  printResult(`${name}_${current}`, value, unit);
  if (unit === 'ms') results.set(name, { ...results.get(name), [current]: value });
}
const SHA = (n: number) => n.toString(16).padStart(64, '0');
const signature = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 8] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
};

async function logBatch(c: RegistryClients): Promise<void> {
  const experiment = await c.runs.CreateExperiment({ name: 'bench-log' });
  const run = await c.runs.CreateRun({ experimentId: experiment.id });
  let step = 0;
  // 10 series x 100 steps: a training loop's worth of points in one call.
  const batch = () =>
    Array.from({ length: 1000 }, (_, i) => ({
      key: `m${i % 10}`,
      value: Math.random(),
      step: step * 100 + Math.floor(i / 10),
    }));
  for (let w = 0; w < 5; w++, step++) await c.runs.LogBatch({ runId: run.id, metrics: batch() });
  const batched: number[] = [];
  const cpuBefore = await cpuMeter!.read();
  for (let r = 0; r < REPEATS; r++, step++) {
    const metrics = batch();
    batched.push(await timeMs(() => c.runs.LogBatch({ runId: run.id, metrics })));
  }
  const cpu = CpuMeter.spent(cpuBefore, await cpuMeter!.read());
  // Baseline: the same 1,000 points as one call each (MLflow's log_metric pattern), measured once.
  const single: number[] = [];
  for (let r = 0; r < 1; r++, step++) {
    const metrics = batch();
    single.push(
      await timeMs(async () => {
        for (const m of metrics) await c.runs.LogBatch({ runId: run.id, metrics: [m] });
      }),
    );
  }
  print('log_batch_1000_ms', median(batched), 'ms');
  // CPU per call, means over the timed calls: the registry process (all threads), its PostgreSQL backends.
  print('log_batch_1000_service_cpu_ms', cpu.service / REPEATS, 'ms');
  if (cpu.postgres !== undefined) print('log_batch_1000_db_cpu_ms', cpu.postgres / REPEATS, 'ms');
  print('log_1000_single_calls_ms', median(single), 'ms');
  print('log_batch_speedup_vs_single_calls', median(single) / median(batched), 'x');
}

async function searchRuns(c: RegistryClients): Promise<void> {
  const experiment = await c.runs.CreateExperiment({ name: 'bench-search' });
  const seedRunsApi = () =>
    pool(RUNS, 16, async (i) => {
      const run = await c.runs.CreateRun({
        experimentId: experiment.id,
        name: `run-${i}`,
        params: [{ key: 'depth', value: String(i % 12) }],
        tags: [{ key: 'team', value: i % 2 ? 'a' : 'b' }],
      });
      await c.runs.LogBatch({
        runId: run.id,
        metrics: [
          { key: 'auc', value: ((i * 7919) % 10_000) / 10_000 },
          { key: 'loss', value: Math.random() },
        ],
      });
    });
  const seedRunsSql = async () => {
    const seeder = await openSeeder(seedTarget);
    await seedRuns(seeder, experiment.id, RUNS).finally(() => seeder.close());
  };
  const seedStart = Date.now();
  const seeded = await timeMs(SEED === 'sql' ? seedRunsSql : seedRunsApi);
  if (SEED === 'sql') await waitForAnalyze(seedStart);
  process.stdout.write(
    `# seeded ${RUNS} runs (${SEED}) with params, tags and 2 metrics each in ${(seeded / 1000).toFixed(1)} s\n`,
  );
  const query = {
    experimentIds: [experiment.id],
    metrics: [{ key: 'auc', comparison: 'COMPARISON_GT' as const, value: 0.5 }],
    orderBy: 'metrics.auc desc',
    page: { pageSize: 100 },
  };
  const first = await c.runs.SearchRuns(query);
  if (first.runs.length !== 100 || first.runs[0]!.latestMetrics.find((m) => m.key === 'auc')!.value < 0.99)
    throw new Error('search returned the wrong page');
  for (let w = 0; w < 5; w++) await c.runs.SearchRuns(query);
  const search: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    search.push(await timeMs(() => c.runs.SearchRuns(query)));
    baseline.push(await timeMs(() => c.runs.GetRun({ runId: first.runs[0]!.id })));
  }
  const withParam = await timeMs(() =>
    c.runs.SearchRuns({ ...query, params: [{ key: 'depth', value: '3' }], tags: [{ key: 'team', value: 'a' }] }),
  );
  // Filtered on one metric, ordered by another (the LEFT JOIN path: runs without it sort last).
  const otherOrder: number[] = [];
  for (let r = 0; r < 5; r++)
    otherOrder.push(await timeMs(() => c.runs.SearchRuns({ ...query, orderBy: 'metrics.loss asc' })));
  print(`search_${SIZE}_runs_ms`, median(search), 'ms');
  print(`search_${SIZE}_runs_with_param_and_tag_ms`, withParam, 'ms');
  print(`search_${SIZE}_runs_order_by_other_metric_ms`, median(otherOrder), 'ms');
  print('get_run_baseline_ms', median(baseline), 'ms');
}

async function resolveAlias(c: RegistryClients): Promise<void> {
  const experiment = await c.runs.CreateExperiment({ name: 'bench-models' });
  const run = await c.runs.CreateRun({ experimentId: experiment.id });
  await c.models.CreateRegisteredModel({ name: 'bench-model' });
  const version = (i: number) =>
    c.models.CreateModelVersion({
      model: 'bench-model',
      runId: run.id,
      snapshotSha256: SHA(1),
      artifactSha256: SHA(i + 2),
      artifactUri: `s3://bench/${i}`,
      format: 'MODEL_FORMAT_ONNX',
      signature,
    });
  const seedSql = async () => {
    await version(0);
    const seeder = await openSeeder(seedTarget);
    await seedVersions(seeder, 'bench-model', VERSIONS).finally(() => seeder.close());
  };
  const seeded = await timeMs(SEED === 'sql' ? seedSql : () => pool(VERSIONS, 16, version));
  process.stdout.write(`# registered ${VERSIONS} versions (${SEED}) of one model in ${(seeded / 1000).toFixed(1)} s\n`);
  await c.models.SetAlias({ model: 'bench-model', alias: 'production', version: Math.floor(VERSIONS / 2) });
  for (let w = 0; w < 20; w++) await c.models.GetModelVersionByAlias({ model: 'bench-model', alias: 'production' });
  const byAlias: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < 200; r++) {
    byAlias.push(await timeMs(() => c.models.GetModelVersionByAlias({ model: 'bench-model', alias: 'production' })));
    baseline.push(await timeMs(() => c.models.GetModelVersion({ model: 'bench-model', version: 1 })));
  }
  const listed: number[] = [];
  for (let r = 0; r < REPEATS; r++)
    listed.push(
      await timeMs(() =>
        c.models.ListModelVersions({
          model: 'bench-model',
          status: 'MODEL_VERSION_STATUS_READY',
          page: { pageSize: 100 },
        }),
      ),
    );
  print('get_by_alias_ms', median(byAlias), 'ms');
  print(`list_versions_first_page_${VERSIONS}_ms`, median(listed), 'ms');
  print('get_by_version_baseline_ms', median(baseline), 'ms');
}

async function benchOn(db: Db, env: Record<string, string>): Promise<void> {
  current = db;
  const registry = await startServiceProcess('registry', {
    env: { KEEL_REGISTRY_OUTBOX_RELAY: 'false', KEEL_LOG_LEVEL: 'warn', ...env },
    readyTimeoutMs: 120_000,
  });
  const clients = registryClients(registry.grpcAddress);
  seedTarget = db === 'sqlite' ? { dataDir: registry.dataDir } : { databaseUrl: env['KEEL_DATABASE_URL']! };
  cpuMeter = await CpuMeter.open(registry.child.pid!, env['KEEL_DATABASE_URL']);
  try {
    const where = db === 'sqlite' ? `SQLite (${registry.dataDir})` : `PostgreSQL (${env['KEEL_DATABASE_URL']})`;
    process.stdout.write(`# registry process on ${where}, client in this process, medians\n`);
    await logBatch(clients);
    await searchRuns(clients);
    await resolveAlias(clients);
  } finally {
    await cpuMeter.close();
    clients.close();
    await registry.stop();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`# BENCH_RUNS=${RUNS} BENCH_VERSIONS=${VERSIONS} BENCH_SEED=${SEED}\n`);
  // The registry process inherits this process's environment: SQLite means no KEEL_DATABASE_URL.
  delete process.env['KEEL_DATABASE_URL'];
  // BENCH_DATABASES=postgres (or sqlite) runs one side only, for profiling.
  const only = process.env['BENCH_DATABASES'];
  if (only !== 'postgres') await benchOn('sqlite', {});
  if (only === 'sqlite') return;
  const url = process.env['KEEL_TEST_DATABASE_URL'];
  if (!url) {
    process.stdout.write('# KEEL_TEST_DATABASE_URL is not set: PostgreSQL figures skipped\n');
    return;
  }
  await withFreshPostgresDatabase(url, (dbUrl) => benchOn('postgres', { KEEL_DATABASE_URL: dbUrl }));
  for (const [name, r] of results)
    if (r.sqlite !== undefined && r.postgres !== undefined)
      printResult(`${name}_postgres_vs_sqlite`, r.postgres / r.sqlite, 'x');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:registry failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
