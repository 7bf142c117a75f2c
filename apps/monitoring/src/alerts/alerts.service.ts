// Turns window results into alerts inside the window's own transaction: open, fold, repeat or resolve
// the model's alert of that kind; publish keel.monitoring.alert through the outbox; queue webhook
// deliveries; and, when the retrain policy says so, publish keel.training.requested with the alert id.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import { withSpan } from '@keel/telemetry';
import { trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import type { MonitoringSettings } from '../config';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { AlertRow } from '../common/monitoring.entities';
import type { MonitorSettings } from '../monitors/monitor-settings';
import type { PerformanceMetrics } from '../performance/performance-window';
import type { PerformanceVerdict } from '../performance/performance-baseline';
import type { VersionReference } from '../registry/registry.port';
import type { DriftEvaluation } from '../windows/drift-evaluation';
import {
  driftAlertPayload,
  driftBreached,
  driftSeverity,
  performanceAlertPayload,
  type AlertPayload,
  type WindowRef,
} from './alert-evidence';
import { decideAlert, type AlertKind, type AlertSeverity } from './alert-policy';
import { AlertsRepository } from './alerts.repository';
import { decideRetrain } from './retrain-policy';

export interface WindowContext {
  model: string;
  version: number;
  window: WindowRef;
  reference: VersionReference;
  settings: MonitorSettings;
  now: number;
}

export interface AlertChange {
  action: 'fire' | 'repeat' | 'suppress' | 'resolve';
  alert: AlertRow;
  retrainJobId: string | null;
}

@Injectable()
export class AlertsService {
  constructor(
    private readonly repo: AlertsRepository,
    private readonly outbox: Outbox,
    private readonly metrics: MonitoringMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<MonitoringSettings>,
  ) {}

  onDriftWindow(m: EntityManager, c: WindowContext, e: DriftEvaluation): Promise<AlertChange | null> {
    return this.apply(m, c, 'drift', driftBreached(e), driftSeverity(e), (alertId, status, retrainJobId) =>
      driftAlertPayload({ ...c, alertId, status, retrainJobId }, e),
    );
  }

  onPerformanceWindow(
    m: EntityManager,
    c: WindowContext,
    metrics: PerformanceMetrics,
    verdict: PerformanceVerdict,
  ): Promise<AlertChange | null> {
    if (verdict.baseline === null || verdict.threshold === null) return Promise.resolve(null);
    const { baseline, threshold } = verdict;
    return this.apply(m, c, 'performance', verdict.degraded, 'critical', (alertId, status, retrainJobId) =>
      performanceAlertPayload(
        { ...c, alertId, status, retrainJobId },
        c.settings.performanceMetric,
        metrics,
        baseline,
        threshold,
      ),
    );
  }

  private async apply(
    m: EntityManager,
    c: WindowContext,
    kind: AlertKind,
    breached: boolean,
    severity: AlertSeverity,
    payloadOf: (alertId: string, status: 'firing' | 'resolved', retrainJobId: string | null) => AlertPayload,
  ): Promise<AlertChange | null> {
    const open = await this.repo.openAlert(m, c.model, kind);
    const decision = decideAlert(open, breached, c.now, c.settings.alertCooldownSeconds * 1000);
    if (decision.action === 'none') return null;
    this.metrics.alertEvents.inc({ model: c.model, kind, action: decision.action });
    // The alert's span: inside the window's span, around its event (and the retraining request).
    return withSpan(
      `alert ${kind} ${decision.action}`,
      (span) => {
        span.setAttributes({ 'keel.model': c.model, 'keel.model.version': c.version, 'keel.alert.severity': severity });
        return this.change(m, c, kind, severity, decision.action, open, payloadOf);
      },
      {},
      { tracerName: '@keel/monitoring' },
    );
  }

  private async change(
    m: EntityManager,
    c: WindowContext,
    kind: AlertKind,
    severity: AlertSeverity,
    action: 'fire' | 'repeat' | 'suppress' | 'resolve',
    open: AlertRow | null,
    payloadOf: (alertId: string, status: 'firing' | 'resolved', retrainJobId: string | null) => AlertPayload,
  ): Promise<AlertChange | null> {
    if (action === 'fire') {
      const id = randomUUID();
      trace.getActiveSpan()?.setAttribute('keel.alert.id', id);
      const retrainJobId = await this.maybeRetrain(m, c, kind, severity, id);
      const payload = payloadOf(id, 'firing', retrainJobId);
      const alert = await this.repo.saveAlert(m, this.newRow(c, kind, severity, payload, id, retrainJobId));
      await this.emit(m, alert, payload, 'alert.firing', c.settings);
      return { action: 'fire', alert, retrainJobId };
    }
    const alert = open!;
    trace.getActiveSpan()?.setAttribute('keel.alert.id', alert.id);
    if (action === 'resolve') {
      const payload = payloadOf(alert.id, 'resolved', alert.retrainJobId);
      Object.assign(alert, { status: 'resolved', resolvedAt: c.now, lastSeenAt: c.now });
      await this.repo.saveAlert(m, alert);
      await this.emit(m, alert, payload, 'alert.resolved', c.settings);
      return { action: 'resolve', alert, retrainJobId: null };
    }
    const payload = payloadOf(alert.id, 'firing', alert.retrainJobId);
    Object.assign(alert, this.windowFields(c, payload), { repeats: alert.repeats + 1, lastSeenAt: c.now, severity });
    if (action === 'repeat') {
      alert.lastNotifiedAt = c.now;
      await this.emit(m, alert, payload, 'alert.repeat', c.settings);
    }
    await this.repo.saveAlert(m, alert);
    return { action, alert, retrainJobId: null };
  }

  private async maybeRetrain(
    m: EntityManager,
    c: WindowContext,
    kind: AlertKind,
    severity: AlertSeverity,
    alertId: string,
  ): Promise<string | null> {
    const last = await this.repo.lastRetrainAt(m, c.model);
    const d = decideRetrain(c.settings, { kind, severity, dataset: c.reference.dataset }, last, c.now);
    if (!d.request) return null;
    const jobId = randomUUID();
    const dataset = c.reference.dataset!;
    await this.repo.insertRetrain(m, { jobId, model: c.model, dataset, reason: d.reason, alertId, requestedAt: c.now });
    await withSpan(
      'request retraining',
      async (span) => {
        span.setAttributes({ 'keel.job.id': jobId, 'keel.model': c.model, 'keel.retrain.reason': d.reason });
        await this.outbox.publish(
          m,
          'keel.training.requested',
          { jobId, model: c.model, dataset, reason: d.reason, alertId, requestedBy: 'keel/monitoring' },
          { key: jobId, subject: c.model },
        );
      },
      {},
      { tracerName: '@keel/monitoring' },
    );
    this.metrics.retrainRequests.inc({ model: c.model, reason: d.reason });
    return jobId;
  }

  private windowFields(c: WindowContext, p: AlertPayload): Partial<AlertRow> {
    return {
      version: c.version,
      windowId: c.window.id,
      windowFromMs: c.window.from,
      windowToMs: c.window.to,
      windowRows: c.window.rows,
      driftedFeatures: JSON.stringify(p.evidence.features.map((f) => f.feature)),
      predictionDrift: p.evidence.prediction?.drifted ? 1 : 0,
      message: p.message,
      evidence: JSON.stringify(p.evidence),
      referenceSha256: c.reference.snapshotSha256,
    };
  }

  private newRow(
    c: WindowContext,
    kind: AlertKind,
    severity: AlertSeverity,
    p: AlertPayload,
    id: string,
    retrainJobId: string | null,
  ): AlertRow {
    return Object.assign(new AlertRow(), this.windowFields(c, p), {
      id,
      model: c.model,
      kind,
      status: 'firing',
      severity,
      retrainJobId,
      firedAt: c.now,
      lastSeenAt: c.now,
      lastNotifiedAt: c.now,
      resolvedAt: null,
      repeats: 0,
    });
  }

  private async emit(
    m: EntityManager,
    alert: AlertRow,
    payload: AlertPayload,
    event: string,
    settings: MonitorSettings,
  ): Promise<void> {
    await this.outbox.publish(m, 'keel.monitoring.alert', payload, { key: alert.model, subject: alert.id });
    const urls = [this.config.webhookUrl, settings.webhookUrl].filter((u): u is string => !!u);
    const body = JSON.stringify({ event, alert: payload });
    for (const url of new Set(urls)) {
      await this.repo.insertDelivery(m, {
        id: randomUUID(),
        alertId: alert.id,
        url,
        event,
        body,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: Date.now(),
        lastStatusCode: null,
        lastError: null,
        createdAt: Date.now(),
        deliveredAt: null,
      });
    }
  }
}
