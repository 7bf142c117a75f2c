// The alert pipeline's writes on SQLite and PostgreSQL: one transaction holds the alert row, its outbox
// events (keel.monitoring.alert, keel.training.requested) and the webhook deliveries.
import { Outbox } from '@keel/event-bus';
import { OutboxEvent, eventTableEntities, eventTableMigrations, writeTransaction } from '@keel/persistence';
import { describeEachDatabase } from '@keel/persistence/testing';
import type { ConfigOf } from '@keel/runtime';
import { ServiceMetrics } from '@keel/telemetry';
import type { MonitoringSettings } from '../config';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { monitoringEntities, WebhookDeliveryRow, RetrainRequestRow } from '../common/monitoring.entities';
import { monitoringMigrations } from '../common/monitoring.migration';
import type { MonitorSettings } from '../monitors/monitor-settings';
import type { DriftEvaluation } from '../windows/drift-evaluation';
import { AlertsRepository } from './alerts.repository';
import { AlertsService, type WindowContext } from './alerts.service';

const settings = {
  alertCooldownSeconds: 600,
  retrainOn: ['drift'],
  retrainCooldownSeconds: 3600,
  webhookUrl: 'https://hooks.example.com/per-model',
} as MonitorSettings;
const reference = {
  model: 'churn',
  version: 3,
  inputs: [],
  snapshotSha256: 'a'.repeat(64),
  dataset: 'churn',
  datasetVersion: 2,
  referenceSha256: 'b'.repeat(64),
  runMetrics: {},
  runId: 'run-1',
};
const drifted: DriftEvaluation = {
  features: {
    age: {
      kind: 'numeric',
      n_ref: 10,
      n_cur: 10,
      missing_ref: 0,
      missing_cur: 0,
      wasserstein_normed: 0.4,
      test: 'wasserstein',
      score: 0.4,
      threshold: 0.1,
      drift: true,
      exact: true,
    },
  },
  driftedFeatures: ['age'],
  driftShare: 1,
  datasetDrift: true,
  prediction: null,
};
const normal: DriftEvaluation = { ...drifted, features: {}, driftedFeatures: [], driftShare: 0, datasetDrift: false };

describeEachDatabase(
  'alerts pipeline',
  {
    entities: [...eventTableEntities, ...monitoringEntities],
    migrations: [...eventTableMigrations, ...monitoringMigrations],
  },
  (db) => {
    let alerts: AlertsService;
    const ctx = (now: number, windowId: string): WindowContext => ({
      model: 'churn',
      version: 3,
      window: { id: windowId, from: now - 1000, to: now, rows: 100 },
      reference,
      settings,
      now,
    });
    const apply = (now: number, e: DriftEvaluation, windowId: string) =>
      writeTransaction(db.dataSource(), (m) => alerts.onDriftWindow(m, ctx(now, windowId), e));

    beforeAll(() => {
      const config = { webhookUrl: 'https://hooks.example.com/global' } as ConfigOf<MonitoringSettings>;
      alerts = new AlertsService(
        new AlertsRepository(db.dataSource()),
        new Outbox('keel/monitoring'),
        new MonitoringMetrics(new ServiceMetrics('t', { defaultMetrics: false })),
        config,
      );
    });

    it('should fire once, fold repeats within the cooldown, re-send after it, and resolve, each event in the outbox', async () => {
      const fired = await apply(1_000_000, drifted, 'w1');
      expect(fired).toMatchObject({
        action: 'fire',
        alert: { status: 'firing', severity: 'critical', windowId: 'w1' },
      });
      expect(await apply(1_100_000, drifted, 'w2')).toMatchObject({
        action: 'suppress',
        alert: { repeats: 1, windowId: 'w2' },
      });
      expect(await apply(1_700_000, drifted, 'w3')).toMatchObject({ action: 'repeat', alert: { repeats: 2 } });
      expect(await apply(1_800_000, normal, 'w4')).toMatchObject({
        action: 'resolve',
        alert: { status: 'resolved', resolvedAt: 1_800_000 },
      });
      expect(await apply(1_900_000, normal, 'w5')).toBeNull();

      const outbox = await db
        .dataSource()
        .getRepository(OutboxEvent)
        .find({ order: { seq: 'ASC' } });
      expect(outbox.map((r) => r.eventType)).toEqual([
        'keel.training.requested',
        'keel.monitoring.alert',
        'keel.monitoring.alert',
        'keel.monitoring.alert',
      ]);
      const statuses = outbox.slice(1).map((r) => (JSON.parse(r.payload) as { status: string }).status);
      expect(statuses).toEqual(['firing', 'firing', 'resolved']);
      const retrain = await db.dataSource().getRepository(RetrainRequestRow).find();
      expect(retrain).toEqual([
        expect.objectContaining({ model: 'churn', dataset: 'churn', reason: 'drift', alertId: fired!.alert.id }),
      ]);
      const deliveries = await db
        .dataSource()
        .getRepository(WebhookDeliveryRow)
        .find({ order: { createdAt: 'ASC' } });
      expect(deliveries.map((d) => [d.event, d.url])).toEqual(
        expect.arrayContaining([
          ['alert.firing', 'https://hooks.example.com/global'],
          ['alert.firing', 'https://hooks.example.com/per-model'],
          ['alert.resolved', 'https://hooks.example.com/global'],
        ]),
      );
      expect(deliveries).toHaveLength(6);
    });

    it('should not request retraining again within the cooldown', async () => {
      const again = await apply(2_000_000, drifted, 'w6');
      expect(again).toMatchObject({ action: 'fire', retrainJobId: null });
      expect(await db.dataSource().getRepository(RetrainRequestRow).count()).toBe(1);
    });
  },
);
