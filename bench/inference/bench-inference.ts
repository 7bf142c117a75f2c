// npm run bench:inference — the inference service against a bare grpc-js server of the same proto that
// returns a fixed answer, side by side in one run: 1 row at concurrency 1 and 64, 100 rows at 64, dynamic
// batching on vs off, p99 at half the peak rate, and the service's event-loop delay under full load.
// Everything runs on 127.0.0.1 as processes (broker, registry, two inference servers, the bare server).
// Where Debian's python3-grpcio, python3-grpc-tools and python3-sklearn are installed, also against a
// Python grpcio server of the same proto scoring the same churn model with scikit-learn (MLServer's stack).
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { inferenceClient } from '@keel/clients';
import { WORKSPACE_ROOT, spawnTs, startBroker, startServiceProcess, waitFor } from '@keel/testing';
import { registerModel, request, type Features } from './churn-fixture';
import { closedLoop, interleaved, openLoop, type InterleavedRun } from './load';
import { startOtherInference } from './other-checkout';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
function result(name: string, value: number, unit: string): void {
  process.stdout.write(`RESULT ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}\n`);
}

async function startBare(): Promise<{ address: string; child: ChildProcess }> {
  const child = spawnTs('bench/inference/bare-server.ts', process.env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await waitFor(() => /PORT (\d+)/.exec(out)?.[1], { timeoutMs: 60_000, what: 'the bare server' });
  return { address: `127.0.0.1:${port}`, child };
}

const PYTHON = '/usr/bin/python3';

/** The Python grpcio + scikit-learn server, or undefined (with the reason printed) when its packages are missing. */
async function startPython(features: Features): Promise<{ address: string; child: ChildProcess } | undefined> {
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools, sklearn, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stdout.write(
      `# python comparison skipped: ${PYTHON} lacks grpcio/grpc_tools/sklearn ` +
        '(apt-get install python3-grpcio python3-grpc-tools python3-sklearn)\n',
    );
    return undefined;
  }
  const csv = join(WORKSPACE_ROOT, '../shared/data/ecommerce-customer-churn.csv');
  const child = spawn(
    PYTHON,
    [
      join(WORKSPACE_ROOT, 'bench/inference/sklearn_server.py'),
      join(WORKSPACE_ROOT, 'proto'),
      csv,
      JSON.stringify(features),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the Python server exited: ${out}`);
      return /PORT (\d+)/.exec(out)?.[1];
    },
    { timeoutMs: 120_000, what: 'the Python grpcio server' },
  );
  return { address: `127.0.0.1:${port}`, child };
}

async function metric(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function eventLoopP99(httpUrl: string): Promise<number> {
  return (await metric(httpUrl, 'nodejs_eventloop_lag_p99_seconds')) * 1000;
}

/** Waits (up to 60 s) until the service's prediction log has sent what queued; returns the ms it took. */
async function logDrained(httpUrl: string): Promise<number> {
  const started = Date.now();
  // A service without the gauge (an older build, compared with this bench) is taken as drained.
  const drained = (queued: number) => Number.isNaN(queued) || queued === 0;
  await waitFor(async () => drained(await metric(httpUrl, 'keel_inference_log_queued')) || undefined, {
    timeoutMs: 60_000,
    intervalMs: 5,
    what: 'the prediction log to drain',
  });
  return Date.now() - started;
}

/**
 * BENCH_COMPARE_ROOT: this checkout's service against another checkout's, both started fresh for it and
 * warmed alike (a service that served the whole bench is cheaper per request than a new one), measured
 * in alternating slices.
 */
async function compareWith(
  otherRoot: string,
  env: Record<string, string>,
  one: ReturnType<typeof request>,
  hundred: ReturnType<typeof request>,
): Promise<void> {
  const fresh = [await startOtherInference(WORKSPACE_ROOT, env), await startOtherInference(otherRoot, env)];
  const clients = fresh.map((f) => inferenceClient(f.grpcAddress));
  const [A, O] = fresh.map((f, i) => ({
    client: clients[i]!,
    pid: f.child.pid,
    settle: () => logDrained(f.httpUrl).then(() => undefined),
  }));
  let rate = 1;
  try {
    for (const req of [one, hundred]) await interleaved([A!, O!], req, 64, SECONDS, 4);
    for (const [rows, req] of [
      [1, one],
      [100, hundred],
    ] as const) {
      const [mine, theirs] = await interleaved([A!, O!], req, 64, SECONDS * 2, 8);
      result(`ab_${rows}row_c64_rps_this`, mine!.rps, 'req/s');
      result(`ab_${rows}row_c64_rps_other`, theirs!.rps, 'req/s');
      if (Number.isFinite(mine!.cpuUsPerRequest)) result(`ab_${rows}row_c64_cpu_this`, mine!.cpuUsPerRequest, 'us/req');
      if (Number.isFinite(theirs!.cpuUsPerRequest))
        result(`ab_${rows}row_c64_cpu_other`, theirs!.cpuUsPerRequest, 'us/req');
      if (rows === 1) rate = Math.max(1, Math.floor(Math.min(mine!.rps, theirs!.rps) / 2));
    }
    // One caller at a time (every request its own batch), then the same open-loop rate for both: the
    // latency side, where per-request fixed costs and wake-ups show and c=64's amortisation hides them.
    const [mine, theirs] = await interleaved([A!, O!], one, 1, SECONDS * 2, 8);
    for (const [side, run] of [
      ['this', mine!],
      ['other', theirs!],
    ] as const) {
      result(`ab_1row_c1_rps_${side}`, run.rps, 'req/s');
      result(`ab_1row_c1_p50_${side}`, run.p50, 'ms');
      if (Number.isFinite(run.cpuUsPerRequest)) result(`ab_1row_c1_cpu_${side}`, run.cpuUsPerRequest, 'us/req');
    }
    const open: Record<'this' | 'other', number[][]> = { this: [], other: [] };
    for (const [side, i] of [
      ['this', 0],
      ['other', 1],
      ['other', 1],
      ['this', 0],
    ] as const) {
      const run = await openLoop(clients[i]!, one, rate, SECONDS / 2);
      open[side].push([run.p50, run.p99]);
    }
    result('ab_open_rate', rate, 'req/s');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const side of ['this', 'other'] as const) {
      // The mean of each side's two slices.
      result(`ab_open_p50_${side}`, mean(open[side].map((r) => r[0]!)), 'ms');
      result(`ab_open_p99_${side}`, mean(open[side].map((r) => r[1]!)), 'ms');
    }
  } finally {
    clients.forEach((c) => c.close());
    fresh.forEach((f) => f.child.kill('SIGTERM'));
  }
}

/** With BENCH_CPU_PROF=<dir>, the environment that makes a service write its V8 CPU profile there. */
function profiled(env: Record<string, string>): Record<string, string> {
  const prof = process.env['BENCH_CPU_PROF'];
  if (!prof) return env;
  return { ...env, NODE_OPTIONS: `--require ${join(WORKSPACE_ROOT, 'bench/inference/cpu-profile.cjs')}` };
}

async function main(): Promise<void> {
  const broker = await startBroker();
  const brokers = broker.brokers.join(',');
  const registry = await startServiceProcess('registry', {
    env: { KEEL_KAFKA_BROKERS: brokers, KEEL_LOG_LEVEL: 'warn' },
    readyTimeoutMs: 120_000,
  });
  const features = await registerModel(registry.grpcAddress);
  const env = { KEEL_KAFKA_BROKERS: brokers, KEEL_REGISTRY_ADDRESS: registry.grpcAddress, KEEL_LOG_LEVEL: 'warn' };
  // BENCH_AB_ONLY=1 (with BENCH_COMPARE_ROOT): only the two fresh services, compared (the ab_* lines).
  const abOnly = process.env['BENCH_AB_ONLY'] === '1' && process.env['BENCH_COMPARE_ROOT'];
  if (abOnly) {
    try {
      await compareWith(abOnly, profiled(env), request(features, 1), request(features, 100));
    } finally {
      await registry.stop();
      await broker.stop();
    }
    return;
  }
  // BENCH_CPU_PROF=<dir>: the measured service writes a V8 CPU profile there when it stops.
  const keel = await startServiceProcess('inference', {
    env: profiled(env),
    readyTimeoutMs: 120_000,
  });
  const unbatched = await startServiceProcess('inference', {
    env: { ...env, KEEL_INFERENCE_MAX_BATCH_SIZE: '1' },
    readyTimeoutMs: 120_000,
  });
  const bare = await startBare();
  const k = inferenceClient(keel.grpcAddress);
  const u = inferenceClient(unbatched.grpcAddress);
  const b = inferenceClient(bare.address);
  const K = { client: k, pid: keel.child.pid, settle: () => logDrained(keel.httpUrl).then(() => undefined) };
  const B = { client: b, pid: bare.child.pid };
  const cpu = (name: string, run: InterleavedRun) => {
    if (Number.isFinite(run.cpuUsPerRequest)) result(name, run.cpuUsPerRequest, 'us/req');
  };
  try {
    const one = request(features, 1);
    const hundred = request(features, 100);
    // Warm every path (connections, JIT) before measuring.
    await interleaved([K, B, { client: u }], one, 4, 3, 1);

    // Each comparison runs its servers in alternating slices (load.ts): same machine, same moments.
    const [k1, b1] = await interleaved([K, B], one, 1, SECONDS);
    result('keel_1row_c1_rps', k1!.rps, 'req/s');
    result('bare_1row_c1_rps', b1!.rps, 'req/s');
    result('keel_1row_c1_p50', k1!.p50, 'ms');

    const U = {
      client: u,
      pid: unbatched.child.pid,
      settle: () => logDrained(unbatched.httpUrl).then(() => undefined),
    };
    const [k64, b64, off] = await interleaved([K, B, U], one, 64, SECONDS);
    result('keel_1row_c64_rps', k64!.rps, 'req/s');
    result('bare_1row_c64_rps', b64!.rps, 'req/s');
    result('ratio_1row_c64_vs_bare', k64!.rps / b64!.rps, 'x');
    cpu('keel_1row_c64_cpu', k64!);
    cpu('bare_1row_c64_cpu', b64!);
    result('keel_batching_off_1row_c64_rps', off!.rps, 'req/s');
    result('ratio_batching_on_vs_off_c64', k64!.rps / off!.rps, 'x');
    cpu('keel_batching_off_1row_c64_cpu', off!);

    // Event-loop delay under full load: a scrape resets the service's window, then 1 s of c=64 alone.
    await eventLoopP99(keel.httpUrl);
    const lagRun = await closedLoop(k, one, 64, 1);
    result('keel_eventloop_lag_p99_under_load', await eventLoopP99(keel.httpUrl), 'ms');

    const [k100, b100] = await interleaved([K, B], hundred, 64, SECONDS);
    result('keel_100rows_c64_rows_per_s', k100!.rps * 100, 'rows/s');
    result('bare_100rows_c64_rows_per_s', b100!.rps * 100, 'rows/s');
    result('ratio_100rows_c64_vs_bare', k100!.rps / b100!.rps, 'x');
    cpu('keel_100rows_c64_cpu', k100!);
    cpu('bare_100rows_c64_cpu', b100!);

    // The 100-row run leaves log entries queued (each carries 2,100 elements); the half-peak figure
    // is the steady state at that rate, so it starts once they are sent.
    result('keel_log_drain_after_100rows', await logDrained(keel.httpUrl), 'ms');
    const half = await openLoop(k, one, Math.max(1, Math.floor(k64!.rps / 2)), SECONDS);
    result('keel_half_peak_rate', half.rps, 'req/s');
    result('keel_half_peak_p50', half.p50, 'ms');
    result('keel_half_peak_p99', half.p99, 'ms');
    // Baseline: the bare server at the same rate, same client — what the client, the machine and grpc-js
    // contribute to those percentiles without any serving work.
    const bareSame = await openLoop(b, one, Math.max(1, Math.floor(k64!.rps / 2)), SECONDS);
    result('bare_same_rate_p50', bareSame.p50, 'ms');
    result('bare_same_rate_p99', bareSame.p99, 'ms');
    const failures = [k1, k64, off, k100].reduce((n, r) => n + r!.failures, lagRun.failures + half.failures);
    result('failures_total', failures, 'requests');
    result('keel_log_dropped_total', await metric(keel.httpUrl, 'keel_inference_log_dropped_total'), 'entries');

    const otherRoot = process.env['BENCH_COMPARE_ROOT'];
    if (otherRoot) await compareWith(otherRoot, profiled(env), one, hundred);

    const python = await startPython(features);
    if (python) {
      const p = inferenceClient(python.address);
      const P = { client: p, pid: python.child.pid };
      try {
        await closedLoop(p, one, 4, 1);
        const [kp1, p64] = await interleaved([K, P], one, 64, SECONDS);
        const [kp100, p100] = await interleaved([K, P], hundred, 64, SECONDS);
        result('python_sklearn_1row_c64_rps', p64!.rps, 'req/s');
        result('python_sklearn_100rows_c64_rows_per_s', p100!.rps * 100, 'rows/s');
        result('ratio_1row_c64_vs_python_sklearn', kp1!.rps / p64!.rps, 'x');
        result('ratio_100rows_c64_vs_python_sklearn', kp100!.rps / p100!.rps, 'x');
        cpu('python_sklearn_1row_c64_cpu', p64!);
        cpu('python_sklearn_100rows_c64_cpu', p100!);
        result('python_sklearn_failures', p64!.failures + p100!.failures, 'requests');
      } finally {
        p.close();
        python.child.kill('SIGTERM');
      }
    }
  } finally {
    k.close();
    u.close();
    b.close();
    bare.child.kill('SIGTERM');
    await unbatched.stop();
    await keel.stop();
    await registry.stop();
    await broker.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
