import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import { monitoringClients, registryClients, trainingClients } from '@keel/clients';
import {
  startBroker,
  startServiceProcess,
  waitFor,
  WORKSPACE_ROOT,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';
import { startOpsPage } from '../testing/ops-page';

interface Item {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  traceId: string | null;
}

// The audit trail across services: actions in the registry are recorded in their own transaction; policy
// changes (training, monitoring) and promotion refusals (training's gate) arrive as events from those
// services' outboxes and are recorded exactly once. `keel audit --json` and the ops page show them.
describe('the audit trail of admin actions', () => {
  let broker: TestBroker;
  let registry: ServiceProcess;
  let training: ServiceProcess;
  let monitoring: ServiceProcess;

  beforeAll(async () => {
    broker = await startBroker();
    const kafka = { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' };
    registry = await startServiceProcess('registry', {
      readyTimeoutMs: 120_000,
      env: { ...kafka, KEEL_REGISTRY_OUTBOX_POLL_MS: '50' },
    });
    const withRegistry = { ...kafka, KEEL_REGISTRY_ADDRESS: registry.grpcAddress };
    [training, monitoring] = await Promise.all([
      startServiceProcess('training', {
        readyTimeoutMs: 120_000,
        env: { ...withRegistry, KEEL_TRAINING_OUTBOX_POLL_MS: '50', KEEL_TRAINING_WORKERS: '1' },
      }),
      startServiceProcess('monitoring', {
        readyTimeoutMs: 120_000,
        env: { ...withRegistry, KEEL_MONITORING_OUTBOX_POLL_MS: '50' },
      }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([training?.stop(), monitoring?.stop()]);
    await registry?.stop();
    await broker?.stop();
  });

  const keelAudit = (...args: string[]) =>
    new Promise<Item[]>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          join(WORKSPACE_ROOT, 'tools/register-ts.cjs'),
          join(WORKSPACE_ROOT, 'apps/cli/src/main.ts'),
          'audit',
          ...args,
        ],
        { cwd: WORKSPACE_ROOT, env: { ...process.env, KEEL_REGISTRY_ADDRESS: registry.grpcAddress } },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out) as Item[]) : reject(new Error(`${code}: ${err}`)),
      );
    });

  it('should record policy changes of training and monitoring, a promotion with its trace id, and a redelivered refusal once', async () => {
    const t = trainingClients(training.grpcAddress);
    const m = monitoringClients(monitoring.grpcAddress);
    const r = registryClients(registry.grpcAddress);
    try {
      await t.promotion.SetPromotionPolicy({
        model: 'churn',
        minMetrics: [{ metric: 'auc', min: 0.8 }],
        compareMetric: 'auc',
        maxRegression: 0.01,
      });
      // A webhook URL may carry a token: the trail shows where it points, never the credentials.
      await m.monitors.SetMonitor({
        model: 'churn',
        windowSize: 500,
        driftShare: 0.4,
        webhookUrl: 'https://hook-user:S3cr3t-pw@hooks.example.com/keel?token=S3cr3t-tok',
      });

      // A promotion through the registry, inside the caller's trace.
      const experiment = await r.runs.CreateExperiment({ name: 'audit' });
      const run = await r.runs.CreateRun({ experimentId: experiment.id });
      await r.models.CreateRegisteredModel({ name: 'churn' });
      await r.models.CreateModelVersion({
        model: 'churn',
        runId: run.id,
        snapshotSha256: 'a'.repeat(64),
        artifactSha256: 'b'.repeat(64),
        artifactUri: 's3://models/churn/1',
        format: 'MODEL_FORMAT_ONNX',
        signature: {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
          outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
        },
      });
      const traceId = randomUUID().replace(/-/g, '');
      const md = new Metadata();
      md.set('traceparent', `00-${traceId}-${'1'.repeat(16)}-01`);
      await new Promise((resolve, reject) =>
        r.models.raw.SetAlias(
          { model: 'churn', alias: 'production', version: 1, reason: 'first model' },
          md,
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );

      // A refusal delivered twice (a producer retry): one entry.
      const refusalId = randomUUID();
      const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      const refusal = {
        key: 'churn',
        value: JSON.stringify({
          model: 'churn',
          version: 2,
          alias: 'production',
          decision: 'rejected',
          reasons: ['auc 0.7100 is below production v1 (0.9100)'],
          championVersion: 1,
          comparison: { metric: 'auc', champion: 0.91, challenger: 0.71, rows: 500 },
          requestedBy: 'training job j-7',
        }),
        headers: {
          ce_specversion: '1.0',
          ce_id: refusalId,
          ce_type: 'keel.model.promotion_refused',
          ce_source: 'keel/training',
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
        },
      };
      await producer.send({ topic: 'keel.model.promotion_refused', messages: [refusal] });
      await producer.send({ topic: 'keel.model.promotion_refused', messages: [refusal] });
      await producer.disconnect();

      const items = await waitFor(
        async () => {
          const all = await keelAudit('--json');
          return all.some((e) => e.action === 'model.promotion_refused') && all.length >= 4 ? all : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'the policy changes and the refusal in keel audit' },
      );
      const by = (action: string) => items.filter((e) => e.action === action);
      expect(
        by('policy.changed')
          .map((e) => e.subject)
          .sort(),
      ).toEqual(['policy/monitor/churn', 'policy/promotion/churn']);
      expect(by('policy.changed').find((e) => e.subject === 'policy/monitor/churn')).toMatchObject({
        actor: 'local',
        details: {
          service: 'monitoring',
          policy: {
            windowSize: 500,
            driftShare: 0.4,
            webhookUrl: 'https://hooks.example.com/keel (credentials and query redacted)',
          },
        },
      });
      expect(JSON.stringify(items)).not.toContain('S3cr3t');
      expect(by('policy.changed').find((e) => e.subject === 'policy/promotion/churn')).toMatchObject({
        details: { service: 'training', policy: { minMetrics: { auc: 0.8 }, maxRegression: 0.01 } },
      });
      expect(by('model.promoted')).toEqual([
        expect.objectContaining({
          actor: 'local',
          subject: 'churn@production',
          traceId,
          details: expect.objectContaining({ toVersion: 1, reason: 'first model' }),
        }),
      ]);
      expect(by('model.promotion_refused')).toEqual([
        expect.objectContaining({
          id: refusalId,
          actor: 'training job j-7',
          subject: 'churn@production',
          details: expect.objectContaining({ version: 2, championVersion: 1 }),
        }),
      ]);
      expect((await keelAudit('--json', '--action', 'policy.changed', '--since', '1h')).length).toBe(2);
      expect(await keelAudit('--json', '--subject', 'policy/*', '--limit', '1')).toHaveLength(1);
    } finally {
      t.close();
      m.close();
      r.close();
    }
  }, 90_000);

  it('should show the recent admin actions on the ops page', async () => {
    const page = await startOpsPage(monitoring.httpUrl);
    try {
      await page.waitForText('#audit', 'model.promotion_refused');
      await page.waitForText('#audit', 'policy/monitor/churn');
      await page.waitForText('#audit', 'training job j-7');
    } finally {
      await page.close();
    }
  }, 60_000);
});
