import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isListening, platformPortEnv, WORKSPACE_ROOT } from '@keel/testing';
import { expectTraceChain, startOtlpJsonReceiver } from './trace-chain';

// `npm run demo` exactly as a newcomer runs it (tools/demo.mjs: build what is stale, then `keel demo`,
// which starts the platform and stops it at the end), on free ports and a temporary data dir; with the
// standard OTEL_* variables pointing at an OTLP/HTTP receiver (JSON) inside the test, so the same run
// proves one trace from data arrival to the drift alert, as a trace backend sees it.
// KEEL_TRACE_CHAIN_OUT=<file> writes the walk (docs/tracing.md shows one).
describe('npm run demo', () => {
  it('should play the churn story end to end, traced from the drift alert back to record arrival, and leave nothing running', async () => {
    const portEnv = await platformPortEnv();
    const receiver = await startOtlpJsonReceiver(await freePort());
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-demo-'));
    const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'tools/demo.mjs')], {
      cwd: WORKSPACE_ROOT,
      env: {
        ...process.env,
        ...portEnv,
        KEEL_DATA_DIR: dataDir,
        KEEL_DEMO_QUIET_BUILD: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: '65536',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=trace-test',
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      if (code !== 0) throw new Error(`the demo exited ${code}:\n${out}\n${platformLog(dataDir)}`);
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

      expect(receiver.rejected).toEqual([]);
      const walk = expectTraceChain(out, receiver.spans);
      if (process.env['KEEL_TRACE_CHAIN_OUT']) writeFileSync(process.env['KEEL_TRACE_CHAIN_OUT'], walk);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await receiver.close();
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

// On failure, the end of what the platform the demo started wrote (which service stopped, and why).
function platformLog(dataDir: string): string {
  try {
    const lines = readFileSync(join(dataDir, 'demo-platform.log'), 'utf8').trimEnd().split('\n');
    const telling = lines.filter((l) => l.startsWith('keel up:') || /"level":"(warn|error|fatal)"/.test(l));
    return `platform log (keel up lines, warnings, errors):\n${telling.slice(-40).join('\n')}`;
  } catch {
    return '(no platform log)';
  }
}
