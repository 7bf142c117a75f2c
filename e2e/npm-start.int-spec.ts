import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import {
  grpcHealthCheck,
  isListening,
  pidsFromEndpointTable,
  platformPortEnv,
  waitFor,
  WORKSPACE_ROOT,
} from '@keel/testing';

const SERVICES = Object.keys(DEFAULT_SERVICE_PORTS);

interface Platform {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  ports: Record<string, number>;
  dataDir: string;
}

/** `npm start` exactly as a user runs it (tools/start.mjs), on free ports, in its own process group. */
async function npmStart(extraEnv: Record<string, string> = {}): Promise<Platform> {
  const portEnv = await platformPortEnv();
  const ports = Object.fromEntries(Object.entries(portEnv).map(([k, v]) => [k, Number(v)]));
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-start-'));
  const env = { ...process.env, KEEL_DATA_DIR: dataDir, ...portEnv, ...extraEnv };
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'tools/start.mjs')], {
    cwd: WORKSPACE_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exit, ports, dataDir };
}

/** `keel status --json` as an operator runs it, pointed at the platform by the same KEEL_* variables. */
function keelStatus(p: Platform): Promise<{ exitCode: number | null; stdout: string }> {
  const env = { ...process.env, ...Object.fromEntries(Object.entries(p.ports).map(([k, v]) => [k, String(v)])) };
  const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/cli/main.js'), 'status', '--json'], { env });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once('exit', (exitCode) => resolve({ exitCode, stdout })));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('should bring every service to ready, print the endpoint table and leave nothing behind on Ctrl-C', async () => {
    const p = await npmStart();
    try {
      await waitFor(() => /Keel is ready in/.test(p.output()) || p.child.exitCode !== null, {
        timeoutMs: 150_000,
        what: 'the endpoint table',
        intervalMs: 200,
      });
      expect(p.output()).toMatch(/Keel is ready in [\d.]+ s/);
      const pids = Object.values(pidsFromEndpointTable(p.output()));
      expect(pids).toHaveLength(6);
      for (const s of SERVICES) {
        const http = p.ports[`KEEL_${s.toUpperCase()}_HTTP_PORT`];
        expect(p.output()).toContain(`http://127.0.0.1:${http}`);
        expect((await fetch(`http://127.0.0.1:${http}/readyz`)).status).toBe(200);
        expect(await grpcHealthCheck(`127.0.0.1:${p.ports[`KEEL_${s.toUpperCase()}_GRPC_PORT`]}`)).toBe('SERVING');
      }
      expect(p.output()).toMatch(/^registry\s*\| \{.*"msg":"registry started"/m);

      // Once running, a killed process is restarted by the supervisor and the others keep running.
      const table = pidsFromEndpointTable(p.output());
      process.kill(table['training'], 'SIGKILL');
      await waitFor(() => /keel up: training is ready again \(pid \d+, restart 1\)/.test(p.output()), {
        timeoutMs: 60_000,
        what: 'the supervisor to restart training',
      });
      const status = await keelStatus(p);
      expect(status.exitCode).toBe(0);
      const rows = (
        JSON.parse(status.stdout) as { processes: { name: string; ready: boolean; restarts: number; pid: number }[] }
      ).processes;
      expect(rows.map((r) => [r.name, r.ready, r.restarts])).toEqual(
        ['broker', ...SERVICES].map((n) => [n, true, n === 'training' ? 1 : 0]),
      );
      const restartedPid = rows.find((r) => r.name === 'training')!.pid;
      expect(restartedPid).not.toBe(table['training']);
      const metrics = await (await fetch(`http://127.0.0.1:${p.ports['KEEL_SUPERVISOR_HTTP_PORT']}/metrics`)).text();
      expect(metrics).toContain('keel_supervisor_restarts_total{process="training"} 1');
      expect(metrics).toContain('keel_supervisor_process_up{process="registry"} 1');
      pids.push(restartedPid);

      process.kill(-p.child.pid!, 'SIGINT'); // what a terminal's Ctrl-C does: the whole foreground group
      expect(await p.exit).toBe(0);
      expect(p.output()).toContain('keel up: all stopped');
      for (const pid of pids) expect(alive(pid)).toBe(false);
      for (const port of Object.values(p.ports)) expect(await isListening(port)).toBe(false);
    } finally {
      if (p.child.exitCode === null) process.kill(-p.child.pid!, 'SIGKILL');
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('should name the failing service and stop the rest when one service has a bad variable', async () => {
    const p = await npmStart({ KEEL_REGISTRY_HTTP_PORT: 'abc' });
    try {
      expect(await p.exit).toBe(1);
      expect(p.output()).toContain('keel up: registry exited unexpectedly (code 1)');
      expect(p.output()).toContain('KEEL_REGISTRY_HTTP_PORT: must be a TCP port number 0-65535, got "abc"');
      expect(p.output()).toContain('keel up: stopped the other services');
      for (const [name, port] of Object.entries(p.ports)) {
        if (name !== 'KEEL_REGISTRY_HTTP_PORT') expect(await isListening(port)).toBe(false);
      }
    } finally {
      if (p.child.exitCode === null) process.kill(-p.child.pid!, 'SIGKILL');
      rmSync(p.dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
