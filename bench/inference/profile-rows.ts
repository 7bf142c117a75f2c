// Where a request's CPU goes: one freshly started inference service (broker and registry as in
// bench-inference.ts) under a closed loop of PROFILE_ROWS rows (default 100) at concurrency 64, warmed
// for 4 s, then PROFILE_SECONDS (default 8) measured. Prints the CPU µs per request of each of the
// service's threads (Linux /proc/<pid>/task) and writes a V8 CPU profile of the main thread and the
// worker threads into PROFILE_DIR (default a temporary directory) for profile-summary.cjs. Beside it: the
// broker's CPU per request by thread, the load generator's (this process), and the service's RSS after the
// load; PROFILE_BROKER=1 profiles the broker's main thread too.
//   node -r ./tools/register-ts.cjs bench/inference/profile-rows.ts
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferenceClient } from '@keel/clients';
import { WORKSPACE_ROOT, startBroker, startServiceProcess, waitFor } from '@keel/testing';
import { registerModel, request } from './churn-fixture';
import { closedLoop } from './load';

const ROWS = Number(process.env['PROFILE_ROWS'] ?? 100);
const SECONDS = Number(process.env['PROFILE_SECONDS'] ?? 8);
const DIR = process.env['PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'keel-profile-'));
// PROFILE_V8=0: per-thread CPU only, without the profiler's own cost.
const V8_PROFILE = process.env['PROFILE_V8'] !== '0';

/** PROFILE_ENV='A=1 B=2': extra environment for the service (e.g. OTEL_SDK_DISABLED=true). */
function extraEnv(): Record<string, string> {
  const pairs = (process.env['PROFILE_ENV'] ?? '').split(/\s+/).filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** CPU ms per thread of a process, keyed by thread id and name (utime + stime, USER_HZ 100). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(`${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return out;
}

/** Sum of a Prometheus series over its labels, from the service's /metrics. */
async function metricSum(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

const RUN_METRICS = ['nv_inference_compute_infer_duration_us', 'nv_inference_exec_count'] as const;

async function main(): Promise<void> {
  // PROFILE_BROKER=1: the broker's main thread is profiled too, over the same seconds (into PROFILE_DIR).
  const brokerProf = V8_PROFILE && process.env['PROFILE_BROKER'] === '1';
  const broker = await startBroker(
    brokerProf
      ? {
          env: {
            BENCH_THREAD_PROF: DIR,
            NODE_OPTIONS: `--require ${join(WORKSPACE_ROOT, 'bench/inference/thread-profile.cjs')}`,
          },
        }
      : {},
  );
  const brokers = broker.brokers.join(',');
  const registry = await startServiceProcess('registry', {
    env: { KEEL_KAFKA_BROKERS: brokers, KEEL_LOG_LEVEL: 'warn' },
    readyTimeoutMs: 120_000,
  });
  const features = await registerModel(registry.grpcAddress);
  const service = await startServiceProcess('inference', {
    env: {
      KEEL_KAFKA_BROKERS: brokers,
      KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
      KEEL_LOG_LEVEL: 'warn',
      ...(V8_PROFILE
        ? {
            BENCH_THREAD_PROF: DIR,
            NODE_OPTIONS: `--require ${join(WORKSPACE_ROOT, 'bench/inference/thread-profile.cjs')}`,
          }
        : {}),
      ...extraEnv(),
    },
    readyTimeoutMs: 120_000,
  });
  const client = inferenceClient(service.grpcAddress);
  const pid = service.child.pid!;
  try {
    const req = request(features, ROWS);
    await closedLoop(client, req, 64, 4);
    const runs0 = await Promise.all(RUN_METRICS.map((n) => metricSum(service.httpUrl, n)));
    const before = threadCpu(pid);
    const brokerBefore = threadCpu(broker.pid);
    const generatorBefore = process.cpuUsage();
    if (V8_PROFILE) service.child.kill('SIGUSR2');
    if (brokerProf) process.kill(broker.pid, 'SIGUSR2');
    const run = await closedLoop(client, req, 64, SECONDS);
    // The log's backlog is this load's work too.
    await waitFor(
      async () => {
        const text = await (await fetch(`${service.httpUrl}/metrics`)).text();
        return /^keel_inference_log_queued(?:\{[^}]*\})? 0$/m.test(text) || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 5, what: 'the prediction log to drain' },
    );
    if (V8_PROFILE) service.child.kill('SIGUSR2');
    if (brokerProf) process.kill(broker.pid, 'SIGUSR2');
    const after = threadCpu(pid);
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    const brokerThreads = [...threadCpu(broker.pid)].map(([t, ms]) => [t, ms - (brokerBefore.get(t) ?? 0)] as const);
    const generator = process.cpuUsage(generatorBefore);
    const runs1 = await Promise.all(RUN_METRICS.map((n) => metricSum(service.httpUrl, n)));
    const perReq = (ms: number) => ((ms * 1000) / run.requests).toFixed(0);
    // onnxruntime's run() itself (timed in the worker around session.run, feeds already made).
    process.stdout.write(
      `session.run: ${((runs1[0]! - runs0[0]!) / run.requests).toFixed(0)} us/req, ` +
        `${(run.requests / (runs1[1]! - runs0[1]!)).toFixed(2)} requests per batch\n`,
    );
    let total = 0;
    for (const [thread, ms] of after) {
      const spent = ms - (before.get(thread) ?? 0);
      total += spent;
      if (spent > 0) process.stdout.write(`thread ${thread}: ${perReq(spent)} us/req\n`);
    }
    // The log's records cost the broker too, and the load generator shares the machine: both beside it.
    process.stdout.write(
      `broker process: ${perReq(brokerThreads.reduce((sum, [, ms]) => sum + ms, 0))} us/req (${brokerThreads
        .filter(([, ms]) => ms > 0)
        .map(([t, ms]) => `${t.split(' ').slice(1).join(' ')} ${perReq(ms)}`)
        .join(', ')})\n` +
        `load generator (this process): ${perReq((generator.user + generator.system) / 1000)} us/req\n` +
        `service RSS after the load: ${rssMb.toFixed(0)} MB\n`,
    );
    process.stdout.write(
      `RESULT profile_${ROWS}rows_c64_rps ${run.rps.toFixed(0)} req/s\n` +
        `RESULT profile_${ROWS}rows_c64_cpu ${perReq(total)} us/req\nprofiles in ${DIR}\n`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    // PROFILE_OUTPUT=<file>: what the service wrote (e.g. with PROFILE_ENV='NODE_OPTIONS=--trace-gc').
    if (process.env['PROFILE_OUTPUT']) writeFileSync(process.env['PROFILE_OUTPUT'], service.output());
  } finally {
    client.close();
    await service.stop();
    await registry.stop();
    await broker.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`profile failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
