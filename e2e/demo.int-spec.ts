import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isListening, platformPortEnv, WORKSPACE_ROOT } from '@keel/testing';

// `npm run demo` exactly as a newcomer runs it (tools/demo.mjs: build what is stale, then `keel demo`,
// which starts the platform and stops it at the end), on free ports and a temporary data dir.
describe('npm run demo', () => {
  it('should play the churn story end to end and leave nothing running', async () => {
    const portEnv = await platformPortEnv();
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-demo-'));
    const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'tools/demo.mjs')], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...portEnv, KEEL_DATA_DIR: dataDir, KEEL_DEMO_QUIET_BUILD: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      if (code !== 0) throw new Error(`the demo exited ${code}:\n${out}`);
      // Every step printed with its timing.
      for (const step of [
        'start the platform',
        'create the dataset',
        'send the records (kafkajs)',
        'snapshot',
        'train version 1 and gate it',
        'predict held-out rows (OIP gRPC)',
        'send the true labels (keel.feedback)',
        'traffic shifts: drift alert',
        'retrain and gate the challenger',
        'the version that serves',
      ])
        expect(out).toMatch(
          new RegExp(`\\[\\d+/13\\] ${step.replace(/[()]/g, '\\$&')}\\.\\.\\.\\n +.+\\([\\d.]+ s\\)\\n`),
        );
      expect(out).toMatch(/registered churn version 1, test auc 0\.\d+; gate: promoted to production/);
      expect(out).toMatch(/1000 held-out rows scored by version 1/);
      expect(out).toMatch(/monitoring joined them: live auc 0\.\d+/);
      expect(out).toMatch(/monitoring alert [0-9a-f-]{36}: \w+ drift in .*CashbackAmount/);
      expect(out).toMatch(/challenger version 2 trained on dataset version 2; gate: (promoted|refused)/);
      expect(out).toMatch(/keel demo: done in [\d.]+ s/);
      expect(out).toContain(`ops page:   http://127.0.0.1:${portEnv['KEEL_MONITORING_HTTP_PORT']}/`);
      expect(out).toMatch(/version 1: gate promoted — first version/);
      expect(out).toMatch(/version 2: gate (promoted|refused) — .+/);
      expect(out).toMatch(/model: +churn, serving version [12]/);
      expect(out).toContain('stopping the platform the demo started');
      for (const port of Object.values(portEnv)) expect(await isListening(Number(port))).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('should exit 1 naming the step that failed', async () => {
    // Nothing runs on these ports and there is nothing to start the platform from.
    const child = spawn(
      process.execPath,
      [join(WORKSPACE_ROOT, 'dist/apps/cli/main.js'), 'demo', '--dist', join(tmpdir(), 'no-such-dist')],
      { env: { ...process.env, ...(await platformPortEnv()) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(1);
    expect(out).toMatch(/keel: demo failed at step 1 \(start the platform\): .*no-such-dist\/cli\/main\.js is missing/);
  }, 60_000);
});
