// `keel demo` step 1: use the running platform when `keel status` says every process is ready, else
// start it as `npm start` does (`keel up` as a child with the same environment) and stop it at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectStatus } from './status';

export interface DemoPlatform {
  /** True when this demo started the platform (and so stops it). */
  started: boolean;
  /** Where `keel up`'s output goes when the demo started it. */
  log: string | null;
  /** The `keel up` process the demo started. */
  pid: number | null;
  stop(): Promise<void>;
  /** Leaves the started platform running after the demo exits (--keep). */
  detach(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The built apps next to this CLI bundle (dist/apps/cli/main.js → dist/apps), else ./dist/apps. */
export function defaultDistDir(): string {
  const main = process.argv[1] ?? '';
  if (/[\\/]dist[\\/]apps[\\/]cli[\\/]main\.js$/.test(main)) return resolve(main, '..', '..');
  return resolve('dist/apps');
}

export async function ensurePlatform(distDir: string, readyTimeoutMs: number): Promise<DemoPlatform> {
  const before = await collectStatus(process.env);
  if (before.rows.every((r) => r.ready))
    return { started: false, log: null, pid: null, stop: async () => undefined, detach: () => undefined };
  const running = before.rows.filter((r) => r.ready).map((r) => r.name);
  if (running.length > 0)
    throw new Error(
      `part of the platform is running (${running.join(', ')} ready, ` +
        `${before.rows
          .filter((r) => !r.ready)
          .map((r) => r.name)
          .join(', ')} not): stop it or wait until \`keel status\` says every process is ready`,
    );
  const main = join(distDir, 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run demo builds what is stale)`);
  const dataDir = resolve(process.env['KEEL_DATA_DIR'] ?? '.keel');
  mkdirSync(dataDir, { recursive: true });
  const log = join(dataDir, 'demo-platform.log');
  // Output straight to the file (not through this process), so a platform kept with --keep outlives it.
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(process.execPath, [main, 'up', '--dist', distDir, '--data-dir', dataDir], {
    env: process.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const detach = () => child.unref();
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`keel up exited (code ${child.exitCode}) before the platform was ready:\n${tail(log)}`);
    }
    const { rows } = await collectStatus(process.env);
    if (rows.every((r) => r.ready)) return { started: true, log, pid: child.pid ?? null, stop, detach };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the platform was not ready within ${readyTimeoutMs / 1000} s (not ready: ${rows
          .filter((r) => !r.ready)
          .map((r) => r.name)
          .join(', ')}); see ${log}`,
      );
    }
    await sleep(500);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
