// The monitoring service end to end on real parts: the embedded Kafka-wire broker, a real registry
// process holding a model trained on the e-commerce churn data (with its snapshot's reference profile),
// and monitoring as its own process. Predictions are logged as inference logs them.
import { computeMetrics, detectDrift } from '@keel/ml';
import { EventBus } from '@keel/event-bus';
import type { EventPayload } from '@keel/contracts';
import {
  spawnTs,
  startBroker,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import {
  featureCells,
  loadChurn,
  predictionEvents,
  sampleRows,
  score,
  type Cells,
  type ChurnFixture,
} from './testing/churn-fixture';
import { monitoringClients } from '@keel/clients';
import { startOpsPage, type OpsPage } from './testing/ops-page';
import { seedChurnModel, type SeededModel } from './testing/registry-seed';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const WINDOW = 2000;
const LABELS = 500;
const SECRET = 'whsec-test-secret';

describe('monitoring service on the real broker and registry', () => {
  let f: ChurnFixture;
  let broker: TestBroker;
  let registry: ServiceProcess;
  let monitoring: ServiceProcess;
  let seeded: SeededModel;
  let bus: EventBus;
  let hooks: WebhookReceiver;
  let mon: ReturnType<typeof monitoringClients>;
  let page: OpsPage | undefined;
  const alerts: EventPayload<'keel.monitoring.alert'>[] = [];
  const retrains: EventPayload<'keel.training.requested'>[] = [];
  const windowsSent: { cells: Cells; proba: Float64Array; prefix: string }[] = [];

  beforeAll(async () => {
    f = loadChurn();
    broker = await startBroker();
    const brokers = broker.brokers.join(',');
    // Generous start-up allowances: on a loaded 2-core machine a service process can take tens of seconds.
    registry = await startServiceProcess('registry', {
      env: { KEEL_KAFKA_BROKERS: brokers, KEEL_LOG_LEVEL: 'warn' },
      readyTimeoutMs: 120_000,
    });
    seeded = await seedChurnModel(registry.grpcAddress, f);
    hooks = await startWebhookReceiver(SECRET, { failFirst: 1 });
    monitoring = await startServiceProcess('monitoring', {
      readyTimeoutMs: 120_000,
      env: {
        KEEL_KAFKA_BROKERS: brokers,
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_MONITORING_WINDOW_SIZE: String(WINDOW),
        KEEL_MONITORING_PERFORMANCE_WINDOW: String(LABELS),
        KEEL_MONITORING_RETRAIN_ON: 'drift,performance',
        KEEL_MONITORING_RETRAIN_COOLDOWN_SECONDS: '3600',
        KEEL_MONITORING_WEBHOOK_URL: hooks.url,
        KEEL_MONITORING_WEBHOOK_SECRET: SECRET,
        KEEL_MONITORING_WEBHOOK_ALLOW: '127.0.0.1',
        KEEL_MONITORING_WEBHOOK_RETRY_MS: '200',
        // a receiver in this (possibly busy) test process may answer late; a timed-out attempt is retried, which is
        // right for webhooks (at least once, deduplicated by delivery id) but would add a second 200 here
        KEEL_MONITORING_WEBHOOK_TIMEOUT_MS: '30000',
      },
    });
    mon = monitoringClients(monitoring.grpcAddress);
    bus = new EventBus({ clientId: 'test-inference', brokers: broker.brokers, source: 'keel/inference' });
    await bus.connect();
    await bus.subscribe('keel.monitoring.alert', async (e) => void alerts.push(e.data), { group: 'test-alerts' });
    await bus.subscribe('keel.training.requested', async (e) => void retrains.push(e.data), { group: 'test-retrain' });
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    mon?.close();
    await bus?.close();
    await monitoring?.stop();
    await hooks?.close();
    await registry?.stop();
    await broker?.stop();
  });

  /** Logs one window's predictions as inference would, 10 rows per request. */
  async function logWindow(rows: number[], change?: (cells: Cells) => void): Promise<number> {
    const cells = featureCells(f, rows);
    change?.(cells);
    const proba = score(f, cells);
    const prefix = `w${windowsSent.length}`;
    windowsSent.push({ cells, proba, prefix });
    const events = predictionEvents(f, seeded.model, seeded.version, cells, proba, 10, prefix);
    await Promise.all(events.map((e) => bus.publish('keel.inference.logged', e, { key: e.model })));
    return windowsSent.length - 1;
  }

  async function windows(): Promise<any[]> {
    return (await mon.drift.ListWindows({ model: seeded.model })).windows;
  }

  async function waitForWindows(n: number): Promise<any[]> {
    return waitFor(async () => ((await windows()).length >= n ? windows() : null), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${n} closed windows`,
    });
  }

  /** The stored report must equal libs/ml's batch computation on exactly the rows that were logged. */
  function expectBatchEqual(window: any, cells: Cells): void {
    const names = f.features.map((x) => x.name);
    const reference = Object.fromEntries(names.map((n) => [n, f.columns[n]!]));
    const batch = detectDrift(reference, cells, { columns: names });
    for (const feature of window.features) {
      const b = batch.columns[feature.feature]!;
      expect({ test: feature.test, drift: feature.drift, score: feature.score }).toEqual({
        test: b.test,
        drift: b.drift,
        score: b.score,
      });
      const stats = JSON.parse(feature.statisticsJson) as Record<string, number>;
      for (const [k, v] of Object.entries(stats))
        expect([feature.feature, k, v]).toEqual([feature.feature, k, b[k as 'psi']]);
    }
    expect(window.driftedFeatures).toEqual(names.filter((n) => batch.columns[n]!.drift));
  }

  it('should monitor the production model with defaults, reading the reference from its lineage', async () => {
    const m = await waitFor(() => mon.monitors.GetMonitor({ model: seeded.model }), { timeoutMs: 30_000 });
    expect(m).toMatchObject({ model: 'churn', version: 1, settings: { windowSize: WINDOW, driftShare: 0.5 } });
    const list = await mon.monitors.ListMonitors({});
    expect(list.monitors.map((x: any) => x.model)).toEqual(['churn']);
  });

  it('should raise no alert for a window drawn from the reference distribution', async () => {
    await logWindow(sampleRows(f.allRows, WINDOW, 11));
    const [w] = await waitForWindows(1);
    expect(w).toMatchObject({ seq: 1, rows: WINDOW, version: 1, dataset: 'churn', datasetVersion: 1 });
    expect(w.referenceSha256).toBe(seeded.snapshotSha256);
    expectBatchEqual(w, windowsSent[0]!.cells);
    expect(w.driftedFeatures).toEqual([]);
    expect(w.predictionNote).toMatch(/baseline/);
    expect((await mon.alerts.ListAlerts({ model: 'churn' })).alerts).toEqual([]);
    const monitor = await mon.monitors.GetMonitor({ model: 'churn' });
    expect(monitor).toMatchObject({
      active: true,
      windowsClosed: 1,
      predictions: WINDOW,
      referenceSha256: seeded.snapshotSha256,
    });
    expect(monitor.features).toHaveLength(18);
  });

  it('should show the model on the ops page and add a drift alert to it live, without a reload', async () => {
    page = await startOpsPage(monitoring.httpUrl);
    await page.waitForText('#models', 'churn');
    await page.waitForText('#heatmap', 'CashbackAmount');
    expect(await page.text('#alerts')).not.toMatch(/CashbackAmount/);
    const loads = await page.navigations();
    await logWindow(sampleRows(f.allRows, WINDOW, 12), shiftCashbackAndPayment);
    await page.waitForText('#alerts', 'CashbackAmount');
    expect(await page.text('#alerts')).toMatch(/PreferredPaymentMode/);
    expect(await page.navigations()).toBe(loads);
  });

  it('should alert on exactly the shifted numeric and the reshuffled categorical column, as libs/ml computes', async () => {
    const ws = await waitForWindows(2);
    const w = ws.find((x) => x.seq === 2)!;
    expectBatchEqual(w, windowsSent[1]!.cells);
    expect(w.driftedFeatures).toEqual(['PreferredPaymentMode', 'CashbackAmount']);
    expect(w.datasetDrift).toBe(false);
    expect(w.prediction).toMatchObject({ feature: 'prediction', kind: 'numeric' });
    const [alert] = (await mon.alerts.ListAlerts({ model: 'churn' })).alerts;
    expect(alert).toMatchObject({ kind: 'drift', status: 'firing', severity: 'warning', windowId: w.id, version: 1 });
    expect(alert.driftedFeatures).toEqual(['PreferredPaymentMode', 'CashbackAmount']);
    const event = await waitFor(() => alerts.find((a) => a.alertId === alert.id));
    expect(event.evidence.features.map((x) => x.feature)).toEqual(['PreferredPaymentMode', 'CashbackAmount']);
    const cashback = w.features.find((x: any) => x.feature === 'CashbackAmount');
    expect(event.evidence.features[1]).toEqual({
      feature: 'CashbackAmount',
      test: 'wasserstein',
      statistic: JSON.parse(cashback.statisticsJson).wasserstein_normed,
      pValue: null,
      threshold: 0.1,
      drifted: true,
    });
    expect(event).toMatchObject({ kind: 'data_drift', baselineSnapshotSha256: seeded.snapshotSha256, windowId: w.id });
    expect(event.window.rows).toBe(WINDOW);
  });

  it('should request retraining for the drift alert, as the policy says', async () => {
    const [alert] = (await mon.alerts.ListAlerts({ model: 'churn' })).alerts;
    const request = await waitFor(() => retrains.find((r) => r.alertId === alert.id));
    expect(request).toMatchObject({
      model: 'churn',
      dataset: 'churn',
      reason: 'drift',
      requestedBy: 'keel/monitoring',
    });
    expect(request.jobId).toBe(alert.retrainJobId);
    expect(request.algorithm).toBeUndefined();
  });

  it('should deliver the alert to the webhook signed with HMAC-SHA256, retrying after a failure', async () => {
    const [alert] = (await mon.alerts.ListAlerts({ model: 'churn' })).alerts;
    const got = await waitFor(
      () => hooks.received.find((h) => h.body.alert?.alertId === alert.id && h.status === 200),
      {
        timeoutMs: 20_000,
      },
    );
    expect(got).toMatchObject({ validSignature: true, event: 'alert.firing' });
    expect(got.body.alert.evidence.features.map((x: any) => x.feature)).toEqual([
      'PreferredPaymentMode',
      'CashbackAmount',
    ]);
    expect(hooks.received.filter((h) => h.deliveryId === got.deliveryId).map((h) => h.status)).toEqual([500, 200]);
    const { deliveries } = await mon.alerts.ListDeliveries({ alertId: alert.id });
    expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
    expect(hooks.forged()).toBe(false);
  });

  it('should resolve the alert when a later window is back to normal', async () => {
    await logWindow(sampleRows(f.allRows, WINDOW, 13));
    const ws = await waitForWindows(3);
    const w = ws.find((x) => x.seq === 3)!;
    expectBatchEqual(w, windowsSent[2]!.cells);
    expect(w.driftedFeatures).toEqual([]);
    const [alert] = (await mon.alerts.ListAlerts({ model: 'churn' })).alerts;
    expect(alert).toMatchObject({ status: 'resolved', kind: 'drift' });
    const resolved = await waitFor(() => alerts.find((a) => a.alertId === alert.id && a.status === 'resolved'));
    expect(resolved.windowId).toBe(w.id);
  });

  /** Sends labels for rows [from, to) of a logged window, optionally flipped. */
  async function sendLabels(window: number, from: number, to: number, flip: boolean): Promise<Uint8Array> {
    const labels = new Uint8Array(to - from);
    const sent = windowsSent[window]!;
    const rows = sampleRows(f.allRows, WINDOW, 11 + window);
    await Promise.all(
      Array.from({ length: to - from }, (_, i) => {
        const r = from + i;
        const truth = Number(f.columns['Churn']![rows[r]!]) as 0 | 1;
        labels[i] = flip ? 1 - truth : truth;
        const requestId = `${sent.prefix}-${Math.floor(r / 10) * 10}`;
        return bus.publish('keel.feedback', { requestId, row: r % 10, label: labels[i]! }, { key: requestId });
      }),
    );
    return labels;
  }

  it('should join late labels to their predictions and compute the metrics libs/ml computes', async () => {
    const labels = await sendLabels(2, 0, LABELS, false);
    const { windows: perf } = await waitFor(
      async () => {
        const res = await mon.drift.ListPerformance({ model: 'churn' });
        return res.windows.length >= 1 ? res : null;
      },
      { timeoutMs: 30_000 },
    );
    const batch = computeMetrics(labels, windowsSent[2]!.proba.subarray(0, LABELS));
    expect(perf[0]).toMatchObject({ rows: LABELS, metric: 'auc', baseline: seeded.testAuc, degraded: false });
    expect(perf[0].auc).toBe(batch.auc);
    expect([perf[0].accuracy, perf[0].f1]).toEqual([batch.accuracy, batch.f1]);
    // Labels arrive over several partitions, so the log-loss sum runs in another order: equal to rounding.
    expect(perf[0].logLoss).toBeCloseTo(batch.logLoss, 12);
  });

  it('should raise a performance alert when the labels say the model is wrong, without a second retrain in the cooldown', async () => {
    await sendLabels(2, LABELS, 2 * LABELS, true);
    const alert = await waitFor(
      async () =>
        (await mon.alerts.ListAlerts({ model: 'churn', status: 'firing' })).alerts.find(
          (a: any) => a.kind === 'performance',
        ),
      { timeoutMs: 30_000 },
    );
    expect(alert).toMatchObject({ kind: 'performance', severity: 'critical', retrainJobId: '' });
    const evidence = JSON.parse(alert.evidenceJson);
    expect(evidence.metric.name).toBe('auc');
    expect(evidence.metric.value).toBeLessThan(seeded.testAuc - 0.05);
    const event = await waitFor(() => alerts.find((a) => a.alertId === alert.id));
    expect(event.kind).toBe('performance');
    await waitFor(() => hooks.received.find((h) => h.body.alert?.alertId === alert.id && h.validSignature));
    expect(retrains).toHaveLength(1);
    // The page followed all of it live; KEEL_OPS_SCREENSHOT=docs/images/ops-page.png refreshes the README's picture.
    await page!.waitForText('#performance', 'degraded');
    await page!.waitForText('#alerts', 'auc');
    await page!.screenshot(process.env['KEEL_OPS_SCREENSHOT']);
  });

  /** The `keel` command line as a user runs it, pointed at this monitoring process. */
  async function keel(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawnTs(
      'apps/cli/src/main.ts',
      { ...process.env, KEEL_MONITORING_ADDRESS: monitoring.grpcAddress },
      args,
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    return { code, out, err };
  }

  it('should list alerts, drift reports and monitors on the command line, with --json for scripts', async () => {
    const alertsJson = await keel('alerts', '--model', 'churn', '--json');
    expect(alertsJson.code).toBe(0);
    const items = JSON.parse(alertsJson.out) as any[];
    expect(items.map((a) => [a.kind, a.status])).toEqual([
      ['performance', 'firing'],
      ['drift', 'resolved'],
    ]);
    // The monitor counts the firing alerts of both kinds.
    expect((await mon.monitors.GetMonitor({ model: 'churn' })).firingAlerts).toBe(1);
    const drift = items[1];
    expect(drift).toMatchObject({
      model: 'churn',
      version: 1,
      driftedFeatures: ['PreferredPaymentMode', 'CashbackAmount'],
    });
    expect(drift.window).toMatchObject({ rows: WINDOW });
    const report = await keel('drift', 'report', 'churn', '--window', drift.window.id, '--json');
    expect(report.code).toBe(0);
    const r = JSON.parse(report.out);
    expect(r.driftedFeatures).toEqual(drift.driftedFeatures);
    expect(r.features).toHaveLength(18);
    expect(r.reference).toEqual({ dataset: 'churn', datasetVersion: 1, snapshotSha256: seeded.snapshotSha256 });
    expect((await keel('drift', 'report', 'churn')).out).toMatch(
      /window #3 .*\n(.*\n)*CashbackAmount +numeric +wasserstein/,
    );
    const set = await keel(
      'monitor',
      'set',
      'churn',
      '--window-seconds',
      '60',
      '--sliding',
      '--drift-share',
      '0.25',
      '--test',
      'Tenure=psi',
      '--json',
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out).settings).toMatchObject({
      window: { seconds: 60 },
      sliding: true,
      driftShare: 0.25,
      features: { Tenure: { test: 'psi' } },
    });
    const list = JSON.parse((await keel('monitor', 'list', '--json')).out);
    expect(list).toMatchObject([
      { model: 'churn', version: 1, overridden: ['windowSeconds', 'sliding', 'driftShare', 'features', 'windowSize'] },
    ]);
    expect((await keel('monitor', 'show', 'churn')).out).toMatch(/window +60 s sliding\/4/);
    const bad = await keel('monitor', 'set', 'churn', '--drift-share', '7');
    expect([bad.code, bad.err]).toEqual([2, 'keel: --drift-share must be a number from 0 to 1, got "7"\n']);
    const unknown = await keel('monitor', 'set', 'churn', '--test', 'Nope=psi');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/features\.Nope/);
    const missing = await keel('drift', 'report', 'nosuchmodel');
    expect([missing.code, missing.err]).toEqual([1, 'keel: model "nosuchmodel" has no closed window yet\n']);
  }, 240_000);

  it('should dead-letter a malformed prediction log with the reason', async () => {
    const bad = predictionEvents(f, 'churn', 1, featureCells(f, [0, 1]), new Float64Array([0.1, 0.2]), 2, 'bad')[0]!;
    bad.inputs[0]!.shape = [3, 1];
    await bus.publish('keel.inference.logged', bad, { key: 'churn' });
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'test-dlq' });
    const seen: Record<string, string>[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'keel.inference.logged.dlq', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
      },
    });
    try {
      const dead = await waitFor(() => seen.find((h) => h['ce_id'] !== undefined), { timeoutMs: 30_000 });
      expect(dead['keel_error_code']).toBe('HANDLER_REJECTED');
      expect(dead['keel_error_message']).toMatch(/inputs\.0.*3 says|holds 2 values/);
    } finally {
      await consumer.disconnect();
    }
  });
});

function shiftCashbackAndPayment(cells: Cells): void {
  cells['CashbackAmount'] = cells['CashbackAmount']!.map((v) => (typeof v === 'number' ? Math.fround(v + 60) : v));
  cells['PreferredPaymentMode'] = cells['PreferredPaymentMode']!.map((v, i) => (i % 10 < 6 ? 'E wallet' : v));
}
