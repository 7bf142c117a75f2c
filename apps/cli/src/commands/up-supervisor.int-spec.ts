import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { freePort, waitFor } from '@keel/testing';
import type { PlannedProcess } from './up-plan';
import { Supervisor } from './up-supervisor';

// A real child process that answers /readyz, so the supervisor is exercised with real exits and signals.
const SERVER = `require('node:http').createServer((q, s) => s.end('{"ready":true}')).listen(Number(process.argv[2]), '127.0.0.1');`;

describe('Supervisor after start-up', () => {
  let dir: string;
  let supervisor: Supervisor;
  let out: string;
  const plan = async (name: string): Promise<PlannedProcess> => {
    const port = await freePort();
    return {
      name,
      entry: join(dir, 'server.js'),
      args: [String(port)],
      env: process.env,
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      endpoints: { http: `http://127.0.0.1:${port}` },
    };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-supervisor-'));
    writeFileSync(join(dir, 'server.js'), SERVER);
    out = '';
    const sink = new PassThrough();
    sink.on('data', (d: Buffer) => (out += d.toString()));
    const policy = { baseDelayMs: 20, maxDelayMs: 100, maxRestarts: 2, windowMs: 60_000, resetAfterMs: 60_000 };
    supervisor = new Supervisor(sink, false, policy, 20_000);
  });
  afterEach(async () => {
    await supervisor.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const pidOf = (name: string) => supervisor.status().find((s) => s.name === name)!.pid!;
  const stateOf = (name: string) => supervisor.status().find((s) => s.name === name)!;

  it('should restart a killed process, count the restart and give up on a crash loop leaving the others running', async () => {
    const a = supervisor.start(await plan('alpha'));
    const b = supervisor.start(await plan('beta'));
    await Promise.all([supervisor.waitReady(a, 20_000), supervisor.waitReady(b, 20_000)]);
    supervisor.markRunning();

    for (const restart of [1, 2]) {
      const before = pidOf('alpha');
      process.kill(before, 'SIGKILL');
      await waitFor(() => stateOf('alpha').state === 'ready' && stateOf('alpha').restarts === restart, {
        timeoutMs: 20_000,
        what: `alpha restarted ${restart} time(s)`,
      });
      expect(pidOf('alpha')).not.toBe(before);
    }
    expect(out).toContain('keel up: alpha exited unexpectedly (signal SIGKILL)');
    expect(out).toMatch(/keel up: alpha is ready again \(pid \d+, restart 2\)/);

    process.kill(pidOf('alpha'), 'SIGKILL');
    await waitFor(() => stateOf('alpha').state === 'failed', { timeoutMs: 20_000, what: 'alpha given up' });
    expect(supervisor.failed()).toEqual(['alpha: crash loop: 3 unexpected exits within 60 s']);
    expect(out).toContain('giving up on alpha (crash loop: 3 unexpected exits within 60 s); the others keep running');
    expect(stateOf('beta')).toMatchObject({ state: 'ready', restarts: 0 });
    expect(stateOf('alpha').pid).toBeNull();
  }, 60_000);

  it('should fail fast while starting instead of restarting', async () => {
    const a = supervisor.start(await plan('alpha'));
    await supervisor.waitReady(a, 20_000);
    process.kill(pidOf('alpha'), 'SIGKILL');
    await expect(supervisor.firstFailure).resolves.toContain('alpha exited unexpectedly (signal SIGKILL)');
    expect(stateOf('alpha')).toMatchObject({ state: 'stopped', restarts: 0 });
  }, 30_000);
});
