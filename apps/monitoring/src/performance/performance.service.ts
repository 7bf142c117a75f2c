// Delayed labels: logged predictions wait in the bounded join store; keel.feedback finds its prediction
// by request id (+ row) or entity id, and the pair goes into the model version's performance window. A
// closed window is stored and judged against the training metric in one transaction.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATA_SOURCE, SERVICE_CONFIG, type ConfigOf } from '@keel/runtime';
import type { DataSource } from 'typeorm';
import type { MonitoringSettings } from '../config';
import { AlertNotifier } from '../alerts/alert-notifier';
import { AlertsService } from '../alerts/alerts.service';
import { LiveFeed } from '../common/live-feed';
import { MonitorStates, type ModelState } from '../common/monitor-states';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { writeTransaction } from '@keel/persistence';
import type { PredictionRows } from '../windows/prediction-rows';
import { WindowsRepository } from '../windows/windows.repository';
import { performanceView } from '../windows/windows.mapper';
import { JoinStore, entityKey, requestKey, type PendingPrediction } from './join-store';
import { judgePerformance, trainingMetric } from './performance-baseline';
import { binaryLabel, type ClosedPerformanceWindow } from './performance-window';

export interface FeedbackInput {
  requestId?: string;
  entityId?: string;
  row?: number;
  model?: string;
  label: number | string | boolean;
}

@Injectable()
export class PerformanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly join: JoinStore;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly states: MonitorStates,
    private readonly repo: WindowsRepository,
    private readonly alerts: AlertsService,
    private readonly notifier: AlertNotifier,
    private readonly metrics: MonitoringMetrics,
    private readonly live: LiveFeed,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: ConfigOf<MonitoringSettings>,
  ) {
    this.join = new JoinStore({
      ttlMs: config.joinTtlSeconds * 1000,
      maxEntries: config.joinMaxEntries,
      earlyLabelTtlMs: 60_000,
      maxEarlyLabels: 10_000,
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.join.expire(Date.now());
      this.noteJoinSize();
    }, 5000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Keeps each row's score until its label comes (a label that came first is joined at once). */
  rememberPredictions(
    state: ModelState,
    p: { requestId: string; entityId?: string; entityIds?: string[] },
    rows: PredictionRows,
    now: number,
  ): void {
    if (!rows.positive) return;
    const keys = this.keys;
    for (let r = 0; r < rows.rows; r++) {
      keys.length = 0;
      keys.push(requestKey(p.requestId, r));
      const entity = p.entityIds?.[r] ?? (rows.rows === 1 ? p.entityId : undefined);
      if (entity !== undefined) keys.push(entityKey(entity));
      const positive = rows.positive[r]!;
      const early = this.join.addScore(keys, state.model, state.version, positive, now);
      if (early)
        void this.labelled({ model: state.model, version: state.version, positive, at: now }, early.label, now);
    }
  }

  // The keys of one row, reused row after row (the join store does not keep the array).
  private readonly keys: string[] = [];

  /** Sets the join-size gauge: once per run of logged records (and every 5 s), not per record. */
  noteJoinSize(): void {
    this.metrics.joinEntries.set(this.join.size);
  }

  /** keel.feedback: join the label to its prediction, or park it briefly, or count it as unusable. */
  async onFeedback(f: FeedbackInput): Promise<void> {
    const label = binaryLabel(f.label);
    if (label === null) {
      this.metrics.feedback.inc({ outcome: 'unusable_label' });
      return;
    }
    const now = Date.now();
    const key = f.requestId !== undefined ? requestKey(f.requestId, f.row ?? 0) : entityKey(f.entityId!);
    const prediction = this.join.takeForLabel(key, label, now);
    if (!prediction) {
      this.metrics.feedback.inc({ outcome: 'waiting' });
      return;
    }
    await this.labelled(prediction, label, now);
  }

  private async labelled(p: PendingPrediction, label: 0 | 1, now: number): Promise<void> {
    const state = this.states.get(p.model);
    if (!state || state.version !== p.version || !state.reference) {
      this.metrics.feedback.inc({ outcome: 'other_version' });
      return;
    }
    this.metrics.feedback.inc({ outcome: 'joined' });
    const closed = state.performance.add(p.positive, label, now);
    if (closed) await this.close(state, closed);
  }

  private async close(state: ModelState, w: ClosedPerformanceWindow): Promise<void> {
    const s = state.settings;
    const baseline = s.performanceBaseline ?? trainingMetric(state.reference!.runMetrics, s.performanceMetric);
    const verdict = judgePerformance(w.metrics, s.performanceMetric, baseline, s.performanceTolerance);
    const now = Date.now();
    const id = randomUUID();
    const row = {
      id,
      model: state.model,
      version: state.version,
      seq: w.seq,
      fromMs: w.from,
      toMs: w.to,
      metrics: JSON.stringify(w.metrics),
      metric: s.performanceMetric,
      baseline,
      degraded: verdict.degraded ? 1 : 0,
      createdAt: now,
    };
    const change = await writeTransaction(this.dataSource, async (m) => {
      await this.repo.insertPerformance(m, row);
      const window = { id, from: w.from, to: w.to, rows: w.metrics.rows };
      const ctx = { model: state.model, version: state.version, window, reference: state.reference!, settings: s, now };
      return this.alerts.onPerformanceWindow(m, ctx, w.metrics, verdict);
    });
    this.notifier.committed(change);
    for (const metric of ['auc', 'accuracy', 'f1', 'log_loss'] as const) {
      const v = w.metrics[metric];
      if (v !== null) this.metrics.performance.set({ model: state.model, metric }, v);
    }
    this.live.publish('performance', performanceView(row));
  }
}
