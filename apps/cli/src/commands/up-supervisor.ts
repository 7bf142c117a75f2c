import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PlannedProcess } from './up-plan';
import { DEFAULT_RESTART_POLICY, RestartPolicy, type RestartPolicyOptions } from './up-restart-policy';

export type ProcessState = 'starting' | 'ready' | 'backoff' | 'failed' | 'stopped';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Running {
  plan: PlannedProcess;
  child: ChildProcess;
  exited: Promise<Exit>;
  tail: string[];
  state: ProcessState;
  startedAt: number;
  restarts: number;
  lastExit?: string;
  policy: RestartPolicy;
}

/** What `keel status` and the supervisor's /status show for one process. */
export interface ProcessStatus {
  name: string;
  state: ProcessState;
  pid: number | null;
  uptimeSeconds: number | null;
  restarts: number;
  lastExit: string | null;
}

const COLORS = [36, 33, 35, 32, 34, 31];

/**
 * Runs the platform's processes: prefixes their output, waits for readiness, and never leaves a child
 * behind. While starting, one death stops everything (fail fast, naming the process). Once every process
 * was ready (`markRunning`), an unexpected exit is restarted with backoff; a crash loop gives up on that
 * process only and leaves the others running.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;
  private runningPhase = false;
  private failure: string | undefined;
  private reportFailure: (message: string) => void = () => undefined;
  /** Settles with the message of the first child that dies while the platform is still starting. */
  readonly firstFailure = new Promise<string>((resolve) => (this.reportFailure = resolve));
  private readonly gaveUp: string[] = [];

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = process.stdout.isTTY === true,
    private readonly restartOptions: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
    private readonly readyTimeoutMs = 60_000,
  ) {}

  start(plan: PlannedProcess): Running {
    const index = this.running.length;
    const tail: string[] = [];
    const r: Running = {
      plan,
      tail,
      state: 'starting',
      startedAt: Date.now(),
      restarts: 0,
      policy: new RestartPolicy(this.restartOptions),
      ...this.launch(plan, index, tail),
    };
    this.running.push(r);
    this.watch(r, index);
    return r;
  }

  /** From now on an unexpected exit is restarted instead of stopping the platform. */
  markRunning(): void {
    this.runningPhase = true;
  }

  /** Processes that crash-looped and were given up on, with the reason. */
  failed(): string[] {
    return [...this.gaveUp];
  }

  private launch(plan: PlannedProcess, index: number, tail: string[]): Pick<Running, 'child' | 'exited'> {
    const child = spawn(process.execPath, [plan.entry, ...plan.args], {
      env: plan.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const label = plan.name.padEnd(10);
    const prefix = this.color ? `\x1b[${COLORS[index % COLORS.length]}m${label}|\x1b[0m ` : `${label}| `;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        this.out.write(`${prefix}${line}\n`);
      });
    }
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return { child, exited };
  }

  private watch(r: Running, index: number): void {
    const child = r.child;
    void r.exited.then((exit) => {
      if (r.child === child) this.onExit(r, index, exit);
    });
  }

  private restart(r: Running, index: number): void {
    r.restarts += 1;
    Object.assign(r, { state: 'starting', startedAt: Date.now() }, this.launch(r.plan, index, r.tail));
    this.watch(r, index);
  }

  private onExit(r: Running, index: number, { code, signal }: Exit): void {
    if (this.stopping) {
      r.state = 'stopped';
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    r.lastExit = `${how} at ${new Date().toISOString()}`;
    const why = r.tail
      .filter((l) => !l.startsWith('{') || l.includes('"level":"error"') || l.includes('"level":"fatal"'))
      .slice(-8);
    const message = `${r.plan.name} exited unexpectedly (${how})${why.length ? `:\n  ${why.join('\n  ')}` : ''}`;
    if (!this.runningPhase) {
      r.state = 'stopped';
      this.failure = message;
      this.reportFailure(message);
      return;
    }
    const decision = r.policy.onCrash(Date.now(), Date.now() - r.startedAt);
    if (decision.action === 'give-up') {
      r.state = 'failed';
      this.gaveUp.push(`${r.plan.name}: ${decision.reason}`);
      this.log(
        `keel up: ${message}\nkeel up: giving up on ${r.plan.name} (${decision.reason}); the others keep running`,
      );
      return;
    }
    r.state = 'backoff';
    this.log(
      `keel up: ${message}\nkeel up: restarting ${r.plan.name} in ${decision.delayMs} ms (restart ${r.restarts + 1})`,
    );
    setTimeout(() => {
      if (this.stopping) return;
      this.restart(r, index);
      this.waitReady(r, this.readyTimeoutMs).then(
        () => this.log(`keel up: ${r.plan.name} is ready again (pid ${r.child.pid}, restart ${r.restarts})`),
        (err: unknown) => this.log(`keel up: ${r.plan.name} did not become ready: ${(err as Error).message}`),
      );
    }, decision.delayMs).unref();
  }

  private log(text: string): void {
    this.out.write(`${text}\n`);
  }

  /** Resolves when the ready URL answers 200; rejects as soon as the process dies or the deadline passes. */
  async waitReady(r: Running, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const child = r.child;
    for (;;) {
      if (this.failure) throw new Error(this.failure);
      if (child.exitCode !== null || child.signalCode !== null) {
        await new Promise((res) => setTimeout(res, 50));
        throw new Error(this.failure ?? `${r.plan.name} exited before it was ready`);
      }
      try {
        const res = await fetch(r.plan.readyUrl, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) {
          if (r.child === child) r.state = 'ready';
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`${r.plan.name} was not ready within ${timeoutMs / 1000} s (${r.plan.readyUrl})`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /** Services first (in reverse start order), the broker last; SIGKILL whatever outlives 10 s. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const r of [...this.running].reverse()) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.child.kill('SIGTERM');
      const timer = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
      await r.exited;
      clearTimeout(timer);
    }
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.running.map((r) => [r.plan.name, r.child.pid]));
  }

  status(now = Date.now()): ProcessStatus[] {
    return this.running.map((r) => {
      const alive = r.child.exitCode === null && r.child.signalCode === null;
      return {
        name: r.plan.name,
        state: r.state,
        pid: alive ? (r.child.pid ?? null) : null,
        uptimeSeconds: alive ? Math.round((now - r.startedAt) / 100) / 10 : null,
        restarts: r.restarts,
        lastExit: r.lastExit ?? null,
      };
    });
  }
}
