// bench:start — how long `keel up` (what `npm start` runs after its build) takes to bring the broker and
// all five services to ready, and each process's resident memory once ready. Median of N runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { pidsFromEndpointTable, platformPortEnv, waitFor, WORKSPACE_ROOT } from '@keel/testing';

const SERVICES = Object.keys(DEFAULT_SERVICE_PORTS);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return Number(kb) / 1024;
}

async function once(): Promise<{ readyS: number; rss: Record<string, number> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(await platformPortEnv()) };
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-bench-start-'));
  const t0 = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      join(WORKSPACE_ROOT, 'dist/apps/cli/main.js'),
      'up',
      '--dist',
      join(WORKSPACE_ROOT, 'dist/apps'),
      '--data-dir',
      dataDir,
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor(() => out.includes('Keel is ready in'), { timeoutMs: 120_000, what: 'keel up', intervalMs: 20 });
    const readyS = Number(process.hrtime.bigint() - t0) / 1e9;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle before reading memory
    const rss = Object.fromEntries(Object.entries(pidsFromEndpointTable(out)).map(([name, pid]) => [name, rssMb(pid)]));
    return { readyS, rss };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const build = spawnSync(
    process.execPath,
    [join(WORKSPACE_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', '--output-style=static'],
    {
      cwd: WORKSPACE_ROOT,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false' },
    },
  );
  if (build.status !== 0) throw new Error('build failed');
  const runs: { readyS: number; rss: Record<string, number> }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`RESULT start_to_ready_s ${median(runs.map((r) => r.readyS)).toFixed(2)} s`);
  for (const name of ['broker', ...SERVICES])
    console.log(`RESULT ${name}_rss_mb ${median(runs.map((r) => r.rss[name])).toFixed(1)} MB`);
  console.log(
    `RESULT max_service_rss_mb ${Math.max(...SERVICES.map((s) => median(runs.map((r) => r.rss[s])))).toFixed(1)} MB`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
