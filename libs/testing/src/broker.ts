import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { spawnTs } from './service-process';
import { waitFor } from './wait-for';

export interface StartBrokerOptions {
  /** Reuse a data dir (it is then never deleted); default: a fresh temp dir, removed by stop(). */
  dataDir?: string;
  /** Extra KEEL_BROKER_* variables. */
  env?: Record<string, string>;
  extraArgs?: string[];
}

export interface TestBroker {
  port: number;
  httpPort: number;
  dataDir: string;
  /** ['127.0.0.1:port'], ready for `new Kafka({ brokers })`. */
  brokers: string[];
  pid: number;
  /** Everything the current process printed (JSON log lines and stderr). */
  output(): string;
  /** Exit code of the last process that ended (null while none has, or when killed by a signal). */
  exitCode(): number | null;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit (a crash: nothing is flushed). */
  kill(): Promise<void>;
  /** Starts again on the same ports and data dir (after stop, kill, or while running). */
  restart(): Promise<void>;
}

// Groups form quickly in tests; production keeps Kafka's 3 s initial delay.
const TEST_DEFAULTS: Record<string, string> = { KEEL_BROKER_GROUP_INITIAL_REBALANCE_DELAY_MS: '300' };

/** Spawns apps/broker from source on free ports and resolves once /healthz answers 200. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const port = await freePort();
  const httpPort = await freePort();
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'keel-broker-'));
  let child: ChildProcess;
  let out = '';
  let exited: Promise<void>;
  let lastExit: number | null = null;

  const launch = async (): Promise<void> => {
    out = '';
    child = spawnTs('apps/broker/src/main.ts', { ...process.env, ...TEST_DEFAULTS, ...options.env }, [
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      ...(options.extraArgs ?? []),
    ]);
    const c = child;
    c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((resolve) =>
      c.once('exit', (code) => {
        lastExit = code;
        resolve();
      }),
    );
    try {
      await waitFor(
        async () => {
          if (c.exitCode !== null) throw new Error(`broker exited with ${c.exitCode}:\n${out}`);
          const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
          return res.status === 200;
        },
        { timeoutMs: 20_000, intervalMs: 50, what: 'broker /healthz' },
      );
    } catch (err) {
      await signal('SIGKILL');
      throw err;
    }
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };

  await launch();
  const broker: TestBroker = {
    port,
    httpPort,
    dataDir,
    brokers: [`127.0.0.1:${port}`],
    get pid() {
      return child.pid ?? -1;
    },
    output: () => out,
    exitCode: () => lastExit,
    async stop() {
      await signal('SIGTERM');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM');
      await launch();
    },
  };
  return broker;
}
