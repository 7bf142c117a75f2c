// A drift window that straddles a SIGKILL of monitoring gives the same verdict and statistics as the same
// rows uninterrupted, and its alert goes out once. Real parts: the broker, a registry process holding the
// churn model, monitoring as its own process killed and restarted on the same data dir. Windows: 1 from
// the reference, 2 drifted (uninterrupted), 3 from the reference (resolves the alert), 4 the same rows as
// 2 with monitoring killed halfway, after its group committed the offsets of that half.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '@keel/contracts';
import { EventBus } from '@keel/event-bus';
import { monitoringClients } from '@keel/clients';
import { startBroker, startServiceProcess, waitFor, type ServiceProcess, type TestBroker } from '@keel/testing';
import { Kafka, logLevel } from 'kafkajs';
import { featureCells, loadChurn, predictionEvents, sampleRows, score, type Cells } from '../testing/churn-fixture';
import { seedChurnModel, type SeededModel } from '../testing/registry-seed';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';

const WINDOW = 400;
const BATCH = 10;
const SECRET = 'whsec-recovery';
const GROUP = 'keel-monitoring-predictions';

describe('monitoring windows across a SIGKILL', () => {
  const f = loadChurn();
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-monitoring-recovery-'));
  let broker: TestBroker;
  let registry: ServiceProcess;
  let monitoring: ServiceProcess | undefined;
  let seeded: SeededModel;
  let bus: EventBus;
  let hooks: WebhookReceiver;
  let mon: ReturnType<typeof monitoringClients>;
  const alerts: EventPayload<'keel.monitoring.alert'>[] = [];

  const startMonitoring = async () => {
    monitoring = await startServiceProcess('monitoring', {
      dataDir,
      readyTimeoutMs: 120_000,
      env: {
        KEEL_KAFKA_BROKERS: broker.brokers.join(','),
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_MONITORING_WINDOW_SIZE: String(WINDOW),
        KEEL_MONITORING_WEBHOOK_URL: hooks.url,
        KEEL_MONITORING_WEBHOOK_SECRET: SECRET,
        KEEL_MONITORING_WEBHOOK_ALLOW: '127.0.0.1',
        KEEL_MONITORING_WEBHOOK_RETRY_MS: '200',
      },
    });
    mon?.close();
    mon = monitoringClients(monitoring.grpcAddress);
  };

  beforeAll(async () => {
    broker = await startBroker();
    registry = await startServiceProcess('registry', {
      env: { KEEL_KAFKA_BROKERS: broker.brokers.join(','), KEEL_LOG_LEVEL: 'warn' },
      readyTimeoutMs: 120_000,
    });
    seeded = await seedChurnModel(registry.grpcAddress, f);
    hooks = await startWebhookReceiver(SECRET);
    await startMonitoring();
    bus = new EventBus({ clientId: 'test-inference', brokers: broker.brokers, source: 'keel/inference' });
    await bus.connect();
    await bus.subscribe('keel.monitoring.alert', async (e) => void alerts.push(e.data), { group: 'test-alerts' });
  }, 300_000);

  afterAll(async () => {
    mon?.close();
    await bus?.close();
    await monitoring?.stop();
    await hooks?.close();
    await registry?.stop();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const drifted = (cells: Cells) => {
    cells['CashbackAmount'] = cells['CashbackAmount']!.map((v) => (typeof v === 'number' ? Math.fround(v + 60) : v));
    cells['PreferredPaymentMode'] = cells['PreferredPaymentMode']!.map((v, i) => (i % 10 < 6 ? 'E wallet' : v));
  };

  /** One window's logged requests, in order (the same seed gives the same rows). */
  function windowEvents(seed: number, prefix: string, change?: (cells: Cells) => void) {
    const cells = featureCells(f, sampleRows(f.allRows, WINDOW, seed));
    change?.(cells);
    return predictionEvents(f, seeded.model, seeded.version, cells, score(f, cells), BATCH, prefix);
  }

  async function log(events: EventPayload<'keel.inference.logged'>[]): Promise<void> {
    for (const e of events) await bus.publish('keel.inference.logged', e, { key: e.model });
  }

  const windows = async () =>
    (await mon.drift.ListWindows({ model: seeded.model })).windows.sort((a: any, b: any) => a.seq - b.seq);

  const waitForWindows = (n: number) =>
    waitFor(async () => ((await windows()).length >= n ? windows() : null), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${n} closed windows`,
    });

  /** What a window's verdict is made of, without its id and times. */
  const verdict = (w: any) => ({
    rows: w.rows,
    driftedFeatures: w.driftedFeatures,
    datasetDrift: w.datasetDrift,
    features: w.features.map((x: any) => [x.feature, x.test, x.drift, x.score, x.statisticsJson]),
    prediction: w.prediction,
  });

  async function committedOffset(): Promise<number> {
    const admin = new Kafka({ clientId: 'test-offsets', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: GROUP, topics: ['keel.inference.logged'] });
      return t!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('should give a window cut by a kill the verdict of the same rows uninterrupted, and alert once', async () => {
    await log(windowEvents(11, 'w1'));
    const drift = windowEvents(12, 'w2', drifted);
    await log(drift);
    await log(windowEvents(14, 'w3'));
    const [, w2, w3] = await waitForWindows(3);
    expect(w2.driftedFeatures).toEqual(['PreferredPaymentMode', 'CashbackAmount']);
    expect(w3.driftedFeatures).toEqual([]);
    const first = (await mon.alerts.ListAlerts({ model: seeded.model })).alerts;
    expect(first.map((a: any) => [a.windowId, a.status])).toEqual([[w2.id, 'resolved']]);

    // Window 4: the same requests again under new ids, monitoring killed once half of them are committed.
    const again = drift.map((e) => ({ ...e, requestId: e.requestId.replace('w2', 'w4') }));
    const half = again.length / 2;
    await log(again.slice(0, half));
    const logged = 3 * (WINDOW / BATCH) + half;
    await waitFor(async () => ((await committedOffset()) >= logged ? true : null), {
      timeoutMs: 30_000,
      what: 'monitoring committed the first half of window 4',
    });
    await monitoring!.stop('SIGKILL');
    await startMonitoring();
    await log(again.slice(half));

    const ws = await waitForWindows(4);
    expect(ws.map((w: any) => w.seq)).toEqual([1, 2, 3, 4]);
    expect(verdict(ws[3])).toEqual(verdict(w2));
    const all = (await mon.alerts.ListAlerts({ model: seeded.model })).alerts;
    const fired = all.filter((a: any) => a.windowId === ws[3].id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ status: 'firing', kind: 'drift', driftedFeatures: w2.driftedFeatures });
    const events = await waitFor(() => {
      const got = alerts.filter((a) => a.alertId === fired[0].id);
      return got.length > 0 ? got : null;
    });
    const hook = await waitFor(() => hooks.received.find((h) => h.body.alert?.alertId === fired[0].id) ?? null);
    // Anything sent twice would have arrived by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect(alerts.filter((a) => a.alertId === fired[0].id)).toEqual(events);
    expect(events).toHaveLength(1);
    expect(hooks.received.filter((h) => h.body.alert?.alertId === fired[0].id)).toEqual([hook]);
    expect(hook).toMatchObject({ validSignature: true, event: 'alert.firing', status: 200 });
  }, 180_000);
});
