// `npm run bench:training`: the training service as a process beside a registry process and the
// embedded broker, measured from outside through gRPC, Kafka and /metrics:
//   - snapshot registered → keel.model.registered for the e-commerce set (lr and gbdt), median of 3;
//   - jobs per minute for small jobs (600 rows, lr);
//   - a grid search (6 trials as child runs, then the refit) with a pool of 2 workers against 1;
//   - event-loop delay p99 of the service (prom-client's nodejs_eventloop_lag_p99_seconds) while a
//     forest trains, against the same figure idle, and against a process whose training thread is not
//     lowered (KEEL_TRAINING_WORKER_NICE=0).
import { EventBus } from '@keel/event-bus';
import { trainingClients, type TrainingClients } from '@keel/clients';
import type { trainingV1 } from '@keel/contracts';
import { startBroker, startServiceProcess, waitFor, type ServiceProcess } from '@keel/testing';
import { loadChurn, publishSnapshot, variant } from './snapshot';

const print = (name: string, value: number, unit: string): void => {
  process.stdout.write(`RESULT ${name} ${Number(value.toFixed(3))} ${unit}\n`);
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startTraining(
  brokers: string,
  registry: string,
  workers: number,
  extra: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess('training', {
    readyTimeoutMs: 120_000,
    env: {
      KEEL_KAFKA_BROKERS: brokers,
      KEEL_REGISTRY_ADDRESS: registry,
      KEEL_LOG_LEVEL: 'warn',
      KEEL_TRAINING_WORKERS: String(workers),
      KEEL_TRAINING_POLL_MS: '50',
      ...extra,
    },
  });
}

async function runJobs(t: TrainingClients, reqs: trainingV1.SubmitJobRequest[]): Promise<number> {
  const started = Date.now();
  const ids = [];
  for (const r of reqs) ids.push((await t.jobs.SubmitJob(r)).id);
  for (const id of ids) {
    const job = await waitFor(
      async () => {
        const j = await t.jobs.GetJob({ id });
        return j.finishedAtMs > 0 ? j : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 50 },
    );
    if (job.state !== 'JOB_STATE_SUCCEEDED') throw new Error(`job ${id}: ${job.state} ${job.failureMessage}`);
  }
  return Date.now() - started;
}

async function eventLoopP99(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : Number.NaN;
}

/** p99 readings (each over the last second: prom-client resets at each scrape) idle, then while a forest trains. */
async function forestEventLoop(
  t: TrainingClients,
  url: string,
  model: string,
): Promise<{ idle: number[]; during: number[] }> {
  await eventLoopP99(url);
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    idle.push(await eventLoopP99(url));
  }
  const forest = await t.jobs.SubmitJob({
    dataset: 'churn-lr',
    algorithm: 'ALGORITHM_RF',
    paramsJson: '{"nTrees":200}',
    seed: 1,
    model,
  });
  const during: number[] = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const j = await t.jobs.GetJob({ id: forest.id });
    if (j.state === 'JOB_STATE_RUNNING') during.push(await eventLoopP99(url));
    if (j.finishedAtMs > 0) break;
  }
  return { idle, during };
}

async function main(): Promise<void> {
  const broker = await startBroker();
  const brokers = broker.brokers.join(',');
  const registry = await startServiceProcess('registry', {
    readyTimeoutMs: 120_000,
    env: { KEEL_KAFKA_BROKERS: brokers, KEEL_LOG_LEVEL: 'warn' },
  });
  let training = await startTraining(brokers, registry.grpcAddress, 1);
  let t = trainingClients(training.grpcAddress);
  const bus = new EventBus({ clientId: 'bench-training', brokers: broker.brokers, source: 'keel/bench' });
  const registered = new Map<string, number>();
  try {
    await bus.connect();
    await bus.subscribe(
      'keel.model.registered',
      async (e) => void registered.set(`${e.data.model}:${e.data.version}`, Date.now()),
      { group: 'bench-registered' },
    );
    const churn = loadChurn();

    // 1. Snapshot → registered, per learner (the first run of each warms the worker's module cache).
    for (const algo of ['lr', 'gbdt'] as const) {
      const dataset = `churn-${algo}`;
      await t.jobs.SetTrainingPolicy({
        dataset,
        model: dataset,
        algorithm: algo === 'lr' ? 'ALGORITHM_LR' : 'ALGORITHM_GBDT',
        seed: 7,
        enabled: true,
      });
      const times: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t0 = Date.now();
        const version = await publishSnapshot(registry.grpcAddress, dataset, variant(churn, i));
        const at = await waitFor(() => registered.get(`${dataset}:${version}`), { timeoutMs: 120_000, intervalMs: 5 });
        if (i > 0) times.push(at - t0);
      }
      print(`snapshot_to_registered_${algo}_ms`, median(times), 'ms');
    }

    // 2. Small jobs per minute (one worker, as on this 2-core machine by default).
    await publishSnapshot(registry.grpcAddress, 'small', loadChurn(600));
    const small = (seed: number, algo: trainingV1.Algorithm = 'ALGORITHM_LR'): trainingV1.SubmitJobRequest => ({
      dataset: 'small',
      algorithm: algo,
      seed,
      model: `small-${seed}`,
      paramsJson: algo === 'ALGORITHM_RF' ? '{"nTrees":60}' : '{}',
    });
    const n = 10;
    const ms = await runJobs(
      t,
      Array.from({ length: n }, (_, i) => small(100 + i)),
    );
    print('small_jobs_per_minute', (n * 60_000) / ms, 'jobs/min');

    // 4. Event-loop delay while a forest trains (before the pool comparison, on the same process), then
    // the same forest in a process whose training thread keeps nice 0 (KEEL_TRAINING_WORKER_NICE=0).
    const niced = await forestEventLoop(t, training.httpUrl, 'forest');
    t.close();
    await training.stop();
    training = await startTraining(brokers, registry.grpcAddress, 1, { KEEL_TRAINING_WORKER_NICE: '0' });
    t = trainingClients(training.grpcAddress);
    await runJobs(t, [small(200)]); // warm-up
    const plain = await forestEventLoop(t, training.httpUrl, 'forest-nice0');
    print('event_loop_p99_idle_ms', Math.max(...niced.idle), 'ms');
    print('event_loop_p99_forest_ms', Math.max(...niced.during), 'ms');
    print('event_loop_p99_idle_median_ms', median(niced.idle), 'ms');
    print('event_loop_p99_forest_median_ms', median(niced.during), 'ms');
    print('event_loop_p99_forest_nice0_ms', Math.max(...plain.during), 'ms');
    print('event_loop_p99_forest_nice0_median_ms', median(plain.during), 'ms');
    print('event_loop_p99_idle_nice0_median_ms', median(plain.idle), 'ms');

    // 3. A grid search (6 rf trials as child runs, then the refit of the best): one worker, then two.
    const search = (model: string): trainingV1.SubmitJobRequest => ({
      dataset: 'small',
      algorithm: 'ALGORITHM_RF',
      seed: 5,
      model,
      searchJson: JSON.stringify({ strategy: 'grid', space: { nTrees: [20, 30, 40, 50, 60, 70] }, budget: 6 }),
    });
    const one = await runJobs(t, [search('search-1')]);
    t.close();
    await training.stop();
    training = await startTraining(brokers, registry.grpcAddress, 2);
    t = trainingClients(training.grpcAddress);
    await runJobs(t, [small(300, 'ALGORITHM_RF')]); // warm-up
    const two = await runJobs(t, [search('search-2')]);
    print('search_6_trials_1_worker_ms', one, 'ms');
    print('search_6_trials_2_workers_ms', two, 'ms');
    print('search_speedup_2_vs_1', one / two, 'x');
  } finally {
    t.close();
    await bus.close();
    await training.stop();
    await registry.stop();
    await broker.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:training failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
