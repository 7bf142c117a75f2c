import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { adminTokenPath, provisionUpToken } from './auth-token';
import { planPlatform, supervisorHttpPort } from './up-plan';
import { restartPolicyFromEnv } from './up-restart-policy';
import { startStatusServer } from './up-status-server';
import { Supervisor } from './up-supervisor';

/**
 * `keel up`: the broker and every service as child processes, ready-checked, stopped together. Once all
 * are ready, a process that dies is restarted with backoff (a crash loop is given up on, the rest keep
 * running); the supervisor's /status and /metrics show states and restarts.
 */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the Kafka broker and every Keel service on this machine; Ctrl-C stops them all')
    .option('--dist <dir>', 'folder holding the built apps', 'dist/apps')
    .option('--data-dir <dir>', 'data dir for everything the platform writes', process.env['KEEL_DATA_DIR'] ?? '.keel')
    .option('--ready-timeout <seconds>', 'how long each process may take to become ready', '60')
    .action(async (opts: { dist: string; dataDir: string; readyTimeout: string }) => {
      process.exitCode = await up(resolve(opts.dist), resolve(opts.dataDir), Number(opts.readyTimeout) * 1000);
    });
}

async function up(distDir: string, dataDir: string, readyTimeoutMs: number): Promise<number> {
  const env = provisionUpToken(dataDir, process.env);
  const plan = planPlatform(distDir, dataDir, env);
  const missing = plan.filter((p) => !existsSync(p.entry)).map((p) => p.entry);
  if (missing.length > 0) {
    process.stderr.write(`keel up: not built: ${missing.join(', ')} (npm start builds them)\n`);
    return 1;
  }
  const policy = restartPolicyFromEnv(process.env);
  const supervisorPort = supervisorHttpPort(process.env, policy.problems);
  if (policy.problems.length > 0) {
    process.stderr.write(`keel up: invalid configuration:\n  ${policy.problems.join('\n  ')}\n`);
    return 1;
  }
  const supervisor = new Supervisor(process.stdout, process.stdout.isTTY === true, policy.options, readyTimeoutMs);
  let statusServer: Awaited<ReturnType<typeof startStatusServer>>;
  try {
    statusServer = await startStatusServer(process.env['KEEL_HOST'] ?? '127.0.0.1', supervisorPort, () =>
      supervisor.status(),
    );
  } catch (err) {
    process.stderr.write(`keel up: supervisor port ${supervisorPort}: ${(err as Error).message}\n`);
    return 1;
  }
  let signalled = false;
  const onSignal = () => {
    if (signalled) return;
    signalled = true;
    process.stdout.write('\nkeel up: stopping every service...\n');
  };
  const signal = new Promise<void>((res) => {
    process.once('SIGINT', () => (onSignal(), res()));
    process.once('SIGTERM', () => (onSignal(), res()));
  });

  const t0 = Date.now();
  try {
    const [brokerPlan, ...servicePlans] = plan;
    await Promise.race([supervisor.waitReady(supervisor.start(brokerPlan), readyTimeoutMs), signal]);
    if (!signalled) {
      const services = servicePlans.map((p) => supervisor.start(p));
      await Promise.race([Promise.all(services.map((s) => supervisor.waitReady(s, readyTimeoutMs))), signal]);
    }
  } catch (err) {
    process.stderr.write(`keel up: ${err instanceof Error ? err.message : String(err)}\n`);
    await supervisor.stopAll();
    await statusServer.close();
    process.stderr.write('keel up: stopped the other services\n');
    return 1;
  }
  if (signalled) {
    await supervisor.stopAll();
    await statusServer.close();
    return 0;
  }

  supervisor.markRunning();
  printTable(plan, supervisor.pids(), Date.now() - t0, dataDir, statusServer.url);
  if (env['KEEL_AUTH'] === 'on')
    process.stdout.write(
      env['KEEL_ADMIN_TOKEN'] === process.env['KEEL_ADMIN_TOKEN']
        ? 'Auth is on: the admin token is KEEL_ADMIN_TOKEN.\n'
        : `Auth is on: the admin token is in ${adminTokenPath(dataDir)}; the CLI uses it from there.\n`,
    );
  await signal;
  await supervisor.stopAll();
  await statusServer.close();
  const failed = supervisor.failed();
  if (failed.length > 0) {
    process.stderr.write(`keel up: all stopped; given up on: ${failed.join('; ')}\n`);
    return 1;
  }
  process.stdout.write('keel up: all stopped\n');
  return 0;
}

function printTable(
  plan: ReturnType<typeof planPlatform>,
  pids: Record<string, number | undefined>,
  ms: number,
  dataDir: string,
  supervisorUrl: string,
): void {
  const rows = plan.map((p) => [
    p.name,
    p.endpoints.kafka ?? p.endpoints.grpc ?? '',
    p.endpoints.http,
    String(pids[p.name] ?? ''),
  ]);
  const head = ['service', 'kafka / gRPC', 'HTTP (/healthz /readyz /metrics)', 'pid'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  process.stdout.write(
    [
      '',
      `Keel is ready in ${(ms / 1000).toFixed(1)} s (data dir ${dataDir})`,
      line(head),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      `Supervisor: ${supervisorUrl}/status and /metrics; a process that dies is restarted. \`keel status\` shows them.`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}
