import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SERVICE_PORTS, withServiceNodeOptions, type ServiceName } from '@keel/contracts';
import { freePort } from './ports';
import { waitFor } from './wait-for';

export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

export interface ServiceProcess {
  name: string;
  grpcPort: number;
  httpPort: number;
  grpcAddress: string;
  httpUrl: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((c) => c.kill('SIGKILL')));

function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(DEFAULT_SERVICE_PORTS, name);
}

/** Spawns the node process running a TypeScript entry point from source. */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, args: string[] = []): ChildProcess {
  const child = spawn(
    process.execPath,
    ['-r', join(WORKSPACE_ROOT, 'tools/register-ts.cjs'), join(WORKSPACE_ROOT, entry), ...args],
    {
      cwd: WORKSPACE_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * Starts a Keel service (apps/<name>) as its own process on free ports with a temp data dir, and
 * resolves once /readyz answers 200. Extra KEEL_* variables go in `env`.
 */
export async function startServiceProcess(
  name: string,
  options: {
    env?: Record<string, string>;
    readyTimeoutMs?: number;
    dataDir?: string;
    /** How to tell it is ready when plain HTTP cannot (a TLS port): resolves true once it is. */
    ready?: (handle: ServiceProcess) => Promise<boolean>;
  } = {},
): Promise<ServiceProcess> {
  const upper = name.toUpperCase();
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `keel-${name}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEEL_DATA_DIR: dataDir,
    [`KEEL_${upper}_GRPC_PORT`]: String(grpcPort),
    [`KEEL_${upper}_HTTP_PORT`]: String(httpPort),
    ...options.env,
  };
  // Started as shipped: with the service's own Node options (libs/contracts), ahead of the caller's.
  const child = spawnTs(`apps/${name}/src/main.ts`, isServiceName(name) ? withServiceNodeOptions(name, env) : env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const handle: ServiceProcess = {
    name,
    grpcPort,
    httpPort,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    dataDir,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  try {
    // A process that exits while starting fails the start at once (its output says why).
    const died = exited.then((code) => {
      throw new Error(`${name} exited with ${code}:\n${out}`);
    });
    died.catch(() => undefined);
    await Promise.race([
      died,
      waitFor(
        async () => {
          if (options.ready) return options.ready(handle);
          const res = await fetch(`${handle.httpUrl}/readyz`);
          return res.status === 200;
        },
        { timeoutMs: options.readyTimeoutMs ?? 30_000, what: `${name} /readyz`, intervalMs: 100 },
      ),
    ]);
  } catch (err) {
    await handle.stop('SIGKILL');
    throw err;
  }
  return handle;
}
