// bench:lifecycle — from the last record of a new snapshot to the new model answering predictions, on the
// platform as `npm run demo` runs it (tools/demo.mjs --until serve: build what is stale, start the
// platform on free ports, play the story up to version 1 answering, stop). Each stage's time and share
// come from the timestamps the demo writes (--timings). The goal (< 10 s) is the baseline of the ratio.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformPortEnv, WORKSPACE_ROOT } from '@keel/testing';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 1);
const GOAL_S = 10;

type Timings = Record<
  | 'lastRecordAt'
  | 'acceptedAt'
  | 'snapshotAt'
  | 'jobCreatedAt'
  | 'jobStartedAt'
  | 'jobFinishedAt'
  | 'trainedAt'
  | 'servingAt'
  | 'answeredAt',
  number
>;

const STAGES: [name: string, from: keyof Timings, to: keyof Timings][] = [
  ['ingest_accepted', 'lastRecordAt', 'acceptedAt'],
  ['snapshot', 'acceptedAt', 'snapshotAt'],
  ['job_queued', 'snapshotAt', 'jobStartedAt'],
  ['train_register_gate_promote', 'jobStartedAt', 'jobFinishedAt'],
  ['inference_loaded', 'jobFinishedAt', 'servingAt'],
  ['first_answer', 'servingAt', 'answeredAt'],
];

async function once(): Promise<Timings> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-bench-lifecycle-'));
  const timings = join(dataDir, 'timings.json');
  try {
    const child = spawn(
      process.execPath,
      [join(WORKSPACE_ROOT, 'tools/demo.mjs'), '--until', 'serve', '--timings', timings],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, ...(await platformPortEnv()), KEEL_DATA_DIR: dataDir, KEEL_DEMO_QUIET_BUILD: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGTERM'), 110_000);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearTimeout(killer);
    if (code !== 0) throw new Error(`the demo exited ${code}:\n${out}`);
    return JSON.parse(readFileSync(timings, 'utf8')) as Timings;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs: Timings[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const total = median(runs.map((t) => (t.answeredAt - t.lastRecordAt) / 1000));
  console.log(`RESULT lifecycle_last_record_to_answer ${total.toFixed(2)} s`);
  console.log(`RESULT lifecycle_vs_goal_${GOAL_S}s ${(total / GOAL_S).toFixed(2)} x`);
  for (const [name, from, to] of STAGES) {
    const s = median(runs.map((t) => (t[to] - t[from]) / 1000));
    console.log(`RESULT lifecycle_${name} ${s.toFixed(2)} s`);
    console.log(`RESULT lifecycle_${name}_share ${((100 * s) / total).toFixed(1)} %`);
  }
  console.log(`# ${RUNS} run(s), median; goal < ${GOAL_S} s ${total < GOAL_S ? 'met' : 'NOT met'}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
