// The platform under chaos: `keel up` (the built CLI) on a temporary data dir and free ports, watched
// only from outside through the supervisor's /status, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isListening, platformPortEnv, WORKSPACE_ROOT } from '@keel/testing';

export interface ProcessRow {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
}

export interface Platform {
  env: Record<string, string>;
  log: string;
  status(): Promise<ProcessRow[]>;
  /** SIGKILLs the process and resolves with the time it was killed and its new instance was ready. */
  killAndRecover(name: string, timeoutMs: number): Promise<{ killedAt: number; readyAt: number }>;
  /** Stops `keel up` (SIGTERM, as Ctrl-C) and resolves with the platform's ports still listening after it. */
  stop(): Promise<number[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPlatform(dataDir: string, readyTimeoutMs = 120_000): Promise<Platform> {
  const portEnv = await platformPortEnv();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...portEnv,
    KEEL_DATA_DIR: dataDir,
    KEEL_LOG_LEVEL: process.env['KEEL_LOG_LEVEL'] ?? 'warn',
  };
  const log = join(dataDir, 'platform.log');
  const fd = openSync(log, 'a');
  const dist = join(WORKSPACE_ROOT, 'dist/apps');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(dist, 'cli/main.js'),
      'up',
      '--dist',
      dist,
      '--data-dir',
      dataDir,
      '--ready-timeout',
      String(readyTimeoutMs / 1000),
    ],
    { env, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const supervisor = `http://127.0.0.1:${portEnv['KEEL_SUPERVISOR_HTTP_PORT']}`;
  const status = async (): Promise<ProcessRow[]> => {
    const res = await fetch(`${supervisor}/status`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { processes: ProcessRow[] }).processes;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    const ports = Object.values(portEnv).map(Number);
    const open = await Promise.all(ports.map((p) => isListening(p)));
    return ports.filter((_, i) => open[i]);
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keel up exited ${child.exitCode} while starting:\n${tail(log)}`);
    const rows = await status().catch(() => [] as ProcessRow[]);
    if (rows.length === 6 && rows.every((r) => r.state === 'ready')) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the platform was not ready within ${readyTimeoutMs / 1000} s:\n${tail(log)}`);
    }
    await sleep(250);
  }

  const killAndRecover = async (name: string, timeoutMs: number) => {
    const before = (await status()).find((r) => r.name === name);
    if (!before?.pid || before.state !== 'ready') throw new Error(`${name} is not running and ready before the kill`);
    process.kill(before.pid, 'SIGKILL');
    const killedAt = Date.now();
    const until = killedAt + timeoutMs;
    for (;;) {
      await sleep(50);
      const row = (await status().catch(() => [] as ProcessRow[])).find((r) => r.name === name);
      if (row && row.restarts > before.restarts && row.state === 'ready') return { killedAt, readyAt: Date.now() };
      if (row?.state === 'failed') throw new Error(`the supervisor gave up on ${name}:\n${tail(log)}`);
      if (Date.now() > until)
        throw new Error(`${name} was not ready again within ${timeoutMs / 1000} s:\n${tail(log)}`);
    }
  };
  return { env, log, status, killAndRecover, stop };
}

export function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
