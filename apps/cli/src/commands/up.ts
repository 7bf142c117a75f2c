import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { planPlatform } from './up-plan';
import { Supervisor } from './up-supervisor';

/** `keel up`: the broker and every service as child processes, ready-checked, stopped together. */
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
  const plan = planPlatform(distDir, dataDir, process.env);
  const missing = plan.filter((p) => !existsSync(p.entry)).map((p) => p.entry);
  if (missing.length > 0) {
    process.stderr.write(`keel up: not built: ${missing.join(', ')} (npm start builds them)\n`);
    return 1;
  }
  const supervisor = new Supervisor();
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
    process.stderr.write('keel up: stopped the other services\n');
    return 1;
  }
  if (signalled) {
    await supervisor.stopAll();
    return 0;
  }

  printTable(plan, supervisor.pids(), Date.now() - t0, dataDir);
  const failure = await Promise.race([supervisor.firstFailure, signal.then(() => undefined)]);
  await supervisor.stopAll();
  if (failure) {
    process.stderr.write(`keel up: ${failure}\nkeel up: stopped the other services\n`);
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
      'Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}
