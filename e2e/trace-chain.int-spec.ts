import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, platformPortEnv, WORKSPACE_ROOT } from '@keel/testing';
import { describePath, startOtlpJsonReceiver, walkBack, type ReceivedSpan, type Step } from './trace-chain';

// One trace from data arrival to a drift alert, as a trace backend sees it: an OTLP/HTTP receiver (JSON)
// runs inside the test, `keel demo` plays the churn story on a platform it starts with the standard
// OTEL_* variables pointing at the receiver, and the walk from the alert's span back through parents
// and links must pass every stage down to the batches of records the serving model's dataset was
// built from. KEEL_TRACE_CHAIN_OUT=<file> writes the walk (docs/tracing.md shows one).
describe('one trace, data arrival → drift alert', () => {
  it('should lead from the alert back through every stage to the record batches of the serving model', async () => {
    const receiver = await startOtlpJsonReceiver(await freePort());
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-trace-'));
    const child = spawn(
      process.execPath,
      [join(WORKSPACE_ROOT, 'dist/apps/cli/main.js'), 'demo', '--dist', join(WORKSPACE_ROOT, 'dist/apps')],
      {
        cwd: WORKSPACE_ROOT,
        env: {
          ...process.env,
          ...(await platformPortEnv()),
          KEEL_DATA_DIR: dataDir,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_BSP_MAX_QUEUE_SIZE: '65536',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=trace-test',
        },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      if (code !== 0) throw new Error(`the demo exited ${code}:\n${out}\n${platformLog(dataDir)}`);
      expect(receiver.rejected).toEqual([]);
      const spans = receiver.spans;

      // The alert the demo saw (its id printed), and its span in monitoring.
      const alertId = /monitoring alert ([0-9a-f-]{36})/.exec(out)?.[1];
      expect(alertId).toBeDefined();
      const alert = one(spans, (s) => s.name === 'alert drift fire' && s.attributes['keel.alert.id'] === alertId);
      expect(alert.service).toBe('keel-monitoring');
      const traceId = /trace id: +([0-9a-f]{32})/.exec(out)?.[1];
      expect(traceId).toBe(alert.traceId);

      const reached = walkBack(spans, alert);
      const stage = (what: string, test: (s: ReceivedSpan) => boolean, service: string): Step[] => {
        const found = [...reached.values()].filter((p) => test(p[p.length - 1]!.span));
        if (found.length === 0) throw new Error(`the walk back from the alert does not reach ${what}`);
        const path = found.sort((a, b) => a.length - b.length)[0]!;
        expect(path[path.length - 1]!.span.service).toBe(service);
        return path;
      };
      const model = alert.attributes['keel.model'];
      const version = alert.attributes['keel.model.version'];
      expect(version).toBe(1);

      const windowPath = stage('the drift window', (s) => s.name === `drift window ${model}`, 'keel-monitoring');
      // The window links to (a bounded sample of) the predictions it covers, each a logged request.
      const window = windowPath[windowPath.length - 1]!.span;
      expect(window.links.length).toBeGreaterThan(0);
      expect(window.links.length).toBeLessThanOrEqual(32);
      for (const link of window.links) {
        expect(link.attributes['keel.link']).toBe('prediction');
        const logged = spans.find((s) => s.spanId === link.spanId);
        expect(logged?.name).toBe('process keel.inference.logged');
        const back = [...walkBack(spans, logged!).values()].map((p) => p[p.length - 1]!.span);
        expect(back.some((s) => isVersion(s, `predict ${model}`, version))).toBe(true);
      }
      stage('a prediction of the version', (s) => isVersion(s, `predict ${model}`, version), 'keel-inference');
      stage('the load of the version', (s) => isVersion(s, 'load model', version), 'keel-inference');
      stage('the alias move', (s) => s.name === 'send keel.model.promoted', 'keel-registry');
      stage('the promotion gate', (s) => isVersion(s, 'promotion gate', version), 'keel-training');
      stage('the registration', (s) => isVersion(s, 'register model version', version), 'keel-training');
      const job = stage('the training job', (s) => isVersion(s, `training job ${model}`, version), 'keel-training');
      expect(job[job.length - 1]!.span.attributes['keel.job.trigger']).toBe('snapshot');
      const snapshotPath = stage(
        'the snapshot the version was trained on',
        (s) => s.name === `snapshot ${model}` && s.attributes['keel.snapshot.version'] === 1,
        'keel-ingestion',
      );
      const arrival = stage('record arrival', (s) => s.name === `ingest keel.ingest.${model}`, 'keel-ingestion');

      // Every batch the snapshot links to was received and is reachable; together they hold its rows.
      const snapshot = snapshotPath[snapshotPath.length - 1]!.span;
      const batches = snapshot.links.map((l) => reached.get(l.spanId)?.at(-1)?.span);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.every((b) => b?.name === `ingest keel.ingest.${model}`)).toBe(true);
      const accepted = batches.reduce((n, b) => n + Number(b!.attributes['keel.ingest.accepted']), 0);
      expect(accepted).toBe(snapshot.attributes['keel.snapshot.rows']);

      // The order of the walk is the order of the story.
      const names = arrival.map((st) => st.span.name);
      const order = [
        'alert drift fire',
        `drift window ${model}`,
        `predict ${model}`,
        'load model',
        'send keel.model.promoted',
        'promotion gate',
        `training job ${model}`,
        `snapshot ${model}`,
        `ingest keel.ingest.${model}`,
      ].map((n) => names.indexOf(n));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      // Forward: the alert asked for retraining, and that job's span links back to the request.
      const request = one(spans, (s) => s.name === 'request retraining' && s.parentSpanId === alert.spanId);
      const retrain = one(
        spans,
        (s) => s.name === `training job ${model}` && s.attributes['keel.job.id'] === request.attributes['keel.job.id'],
      );
      expect(walkBack(spans, retrain).has(request.spanId)).toBe(true);
      expect(retrain.attributes['keel.job.trigger']).toBe('drift');

      if (process.env['KEEL_TRACE_CHAIN_OUT'])
        writeFileSync(
          process.env['KEEL_TRACE_CHAIN_OUT'],
          `${describePath(arrival)}\n\nretraining:\n${describePath(walkBack(spans, retrain).get(request.spanId)!)}\n`,
        );
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
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

function isVersion(s: ReceivedSpan, name: string, version: unknown): boolean {
  return s.name === name && s.attributes['keel.model.version'] === version;
}

function one(spans: ReceivedSpan[], test: (s: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(test);
  if (found.length !== 1) throw new Error(`expected one such span, found ${found.length}`);
  return found[0]!;
}
