import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PlannedProcess } from './up-plan';

interface Running {
  plan: PlannedProcess;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  tail: string[];
}

const COLORS = [36, 33, 35, 32, 34, 31];

/**
 * Runs the platform's processes: prefixes their output, waits for readiness, stops them all on a
 * signal or when one dies, and never leaves a child behind.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;
  private failure: string | undefined;
  private reportFailure: (message: string) => void = () => undefined;
  /** Settles with the message of the first child that dies while we are not stopping. */
  readonly firstFailure = new Promise<string>((resolve) => (this.reportFailure = resolve));

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly color = process.stdout.isTTY === true,
  ) {}

  start(plan: PlannedProcess): Running {
    const child = spawn(process.execPath, [plan.entry, ...plan.args], {
      env: plan.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const index = this.running.length;
    const label = plan.name.padEnd(10);
    const prefix = this.color ? `\x1b[${COLORS[index % COLORS.length]}m${label}|\x1b[0m ` : `${label}| `;
    const tail: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        this.out.write(`${prefix}${line}\n`);
      });
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const running: Running = { plan, child, exited, tail };
    this.running.push(running);
    void exited.then(({ code, signal }) => {
      if (this.stopping) return;
      const why = tail
        .filter((l) => !l.startsWith('{') || l.includes('"level":"error"') || l.includes('"level":"fatal"'))
        .slice(-8);
      this.failure = `${plan.name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})${why.length ? `:\n  ${why.join('\n  ')}` : ''}`;
      this.reportFailure(this.failure);
    });
    return running;
  }

  /** Resolves when the ready URL answers 200; rejects as soon as the process dies or the deadline passes. */
  async waitReady(r: Running, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw new Error(this.failure);
      if (r.child.exitCode !== null || r.child.signalCode !== null) {
        await new Promise((res) => setTimeout(res, 50));
        throw new Error(this.failure ?? `${r.plan.name} exited before it was ready`);
      }
      try {
        const res = await fetch(r.plan.readyUrl, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
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
}
