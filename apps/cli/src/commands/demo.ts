// `keel demo` (behind `npm run demo`): the churn story end to end on the running platform, or on one it
// starts and stops. Each step prints its timing; a failure names the step and exits 1.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { connectDemoClients, type DemoClients } from './demo-clients';
import { defaultDistDir, ensurePlatform, type DemoPlatform } from './demo-platform';
import * as story from './demo-story';
import { CliError, usageError } from './monitoring-client';

interface DemoOptions {
  csv: string;
  name: string;
  keep?: boolean;
  dist: string;
  until?: string;
  timings?: string;
}

type Step = [name: string, run: (c: DemoClients, s: story.StoryState) => Promise<string>];

const STEPS: Step[] = [
  ['create the dataset', (c, s) => story.createDataset(c, s, s.dataset)],
  ['set the training and promotion policies', story.setPolicies],
  ['send the records (kafkajs)', story.ingestTraining],
  ['snapshot', story.snapshotV1],
  ['train version 1 and gate it', story.trainV1],
  ['load it for inference', story.serveV1],
  ['predict held-out rows (OIP gRPC)', story.predictHeldOut],
  ['send the true labels (keel.feedback)', story.feedback],
  ['new data arrives', story.newData],
  ['traffic shifts: drift alert', story.driftAlert],
  ['retrain and gate the challenger', story.retrain],
  ['the version that serves', story.servingNow],
];
const UNTIL: Record<string, number> = { serve: 7, feedback: 8, all: STEPS.length };

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const registerDemo: RegisterCommand = (program: Command) => {
  program
    .command('demo')
    .description('play the churn story end to end: data → model → predictions → drift → retraining')
    .option(
      '--csv <file>',
      'the e-commerce churn CSV (default KEEL_ECOMMERCE_CSV, else ../shared/data/…)',
      process.env['KEEL_ECOMMERCE_CSV'] ?? resolve('../shared/data/ecommerce-customer-churn.csv'),
    )
    .option('--name <dataset>', 'dataset and model name (a free one is picked if it exists)', 'churn')
    .option('--keep', 'leave the platform running when the demo started it')
    .option('--dist <dir>', 'folder holding the built apps (to start the platform)', defaultDistDir())
    .option('--until <step>', 'stop after: serve (v1 answers predictions), feedback, all', 'all')
    .option('--timings <file.json>', 'write the lifecycle timestamps (for bench:lifecycle)')
    .action(async (o: DemoOptions) => {
      const last = UNTIL[o.until ?? 'all'];
      if (last === undefined) throw usageError(`--until must be one of ${Object.keys(UNTIL).join(', ')}`);
      await runDemo(o, last);
    });
};

async function runDemo(o: DemoOptions, last: number): Promise<void> {
  const out = (line: string) => process.stdout.write(line + '\n');
  const t0 = Date.now();
  const total = last + 1;
  let platform: DemoPlatform | undefined;
  let clients: DemoClients | undefined;
  const s: story.StoryState = { csv: o.csv, dataset: o.name, model: o.name, gates: [] };
  let current = 'start the platform';
  let n = 1;
  try {
    out(`keel demo: the churn story (${o.csv})`);
    let t = Date.now();
    out(`[${n}/${total}] ${current}...`);
    platform = await ensurePlatform(o.dist, 180_000);
    out(
      `      ${platform.started ? `started (keel up, output in ${platform.log})` : 'already running: using it'} (${secs(Date.now() - t)})`,
    );
    clients = await connectDemoClients();
    for (const [name, run] of STEPS.slice(0, last)) {
      n++;
      current = name;
      t = Date.now();
      out(`[${n}/${total}] ${name}...`);
      const line = await run(clients, s);
      out(`      ${line} (${secs(Date.now() - t)})`);
    }
    current = 'summary';
    out('');
    out(summary(s, Date.now() - t0, platform, o.keep === true));
  } catch (err) {
    throw new CliError(`demo failed at step ${n} (${current}): ${(err as Error).message}`, 1);
  } finally {
    if (o.timings) writeFileSync(o.timings, JSON.stringify(timings(s), null, 2) + '\n');
    await clients?.close();
    if (platform?.started && !o.keep) {
      out('stopping the platform the demo started (--keep leaves it running)...');
      await platform.stop();
    } else if (platform?.started) {
      out(`the platform keeps running (keel up, pid ${platform.pid}): stop it with kill ${platform.pid}`);
      platform.detach();
    }
  }
}

function timings(s: story.StoryState): Record<string, number | null> {
  return {
    lastRecordAt: s.lastRecordAt ?? null,
    acceptedAt: s.acceptedAt ?? null,
    snapshotAt: s.snapshotAt ?? null,
    jobCreatedAt: s.v1Job ? Number(s.v1Job.createdAtMs) : null,
    jobStartedAt: s.v1Job ? Number(s.v1Job.startedAtMs) : null,
    jobFinishedAt: s.v1Job ? Number(s.v1Job.finishedAtMs) : null,
    trainedAt: s.trainedAt ?? null,
    servingAt: s.servingAt ?? null,
    answeredAt: s.answeredAt ?? null,
  };
}

function summary(s: story.StoryState, ms: number, platform: DemoPlatform, keep: boolean): string {
  const httpPort = process.env['KEEL_MONITORING_HTTP_PORT'] || String(DEFAULT_SERVICE_PORTS.monitoring.http);
  const host =
    process.env['KEEL_HOST'] && process.env['KEEL_HOST'] !== '0.0.0.0' ? process.env['KEEL_HOST'] : '127.0.0.1';
  const lines = [
    `keel demo: done in ${secs(ms)}`,
    `  ops page:   http://${host}:${httpPort}/${platform.started && !keep ? '  (run with --keep to explore it)' : ''}`,
    `  dataset:    ${s.dataset}`,
    `  model:      ${s.model}, serving version ${s.serving ?? '-'}`,
  ];
  if (s.alert) {
    lines.push(`  alert:      ${s.alert.id} (${s.alert.severity} ${s.alert.kind}, version ${s.alert.version})`);
    lines.push(
      `  trace id:   ${s.alertTraceId ?? 'none (the alert event carried no traceparent; see docs/tracing.md)'}`,
    );
  }
  for (const g of s.gates)
    lines.push(`  version ${g.version}: gate ${g.promoted ? 'promoted' : 'refused'} — ${g.reasons.join('; ') || '-'}`);
  return lines.join('\n');
}
