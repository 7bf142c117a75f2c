// One use case per entry point: logged predictions fill the model's window (and wait for their labels);
// a closed window is evaluated, stored and judged for alerts in one transaction; time windows also close
// on a timer. Work on one model is serialised, so windows and alerts never interleave.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConsumedEvent } from '@keel/event-bus';
import { DATA_SOURCE, LOGGER } from '@keel/runtime';
import { ContextSample, linksTo, traceparentOf, withSpan, type Logger } from '@keel/telemetry';
import type { Counter, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { AlertNotifier } from '../alerts/alert-notifier';
import { AlertsService } from '../alerts/alerts.service';
import { LiveFeed } from '../common/live-feed';
import { MonitorStates, type ModelState } from '../common/monitor-states';
import { MonitoringMetrics } from '../common/monitoring-metrics';
import { Throughput } from '../common/throughput';
import { writeTransaction } from '@keel/persistence';
import { PerformanceService } from '../performance/performance.service';
import { evaluateWindow, predictionBaseline } from './drift-evaluation';
import type { ClosedWindow, DriftWindow } from './drift-window';
import { ModelStatesService } from './model-states.service';
import { decodePredictions, type LoggedTensor, type PredictionRows } from './prediction-rows';
import { WindowRecovery, type LogRecord } from './window-recovery';
import { WindowsRepository } from './windows.repository';
import { windowView } from './windows.mapper';

export interface LoggedPrediction {
  requestId: string;
  model: string;
  version: number;
  entityId?: string;
  entityIds?: string[];
  inputs: LoggedTensor[];
  outputs: LoggedTensor[];
  latencyMs: number;
}

const TICK_MS = 1000;

@Injectable()
export class WindowsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly throughput = new Throughput();
  private readonly chains = new Map<string, Promise<unknown>>();
  /**
   * Per drift window (so a new version's window starts afresh): a bounded sample of the trace contexts
   * of the predictions it took since it last closed.
   */
  private readonly traces = new WeakMap<DriftWindow, ContextSample>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly states: MonitorStates,
    private readonly resolver: ModelStatesService,
    private readonly repo: WindowsRepository,
    private readonly alerts: AlertsService,
    private readonly performance: PerformanceService,
    private readonly metrics: MonitoringMetrics,
    private readonly live: LiveFeed,
    private readonly notifier: AlertNotifier,
    private readonly recovery: WindowRecovery,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(Date.now()), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Runs fn after the model's previous work (predictions, ticks) finished. */
  serial<T>(model: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(model) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(model, tail);
    void tail.then(() => {
      if (this.chains.get(model) === tail) this.chains.delete(model);
    });
    return run;
  }

  /**
   * keel.inference.logged, a chunk of records in log order: each request's rows into the model's window
   * and the label join, with one hop per run of one model's records. Each record's place in the log
   * makes it exactly once across redeliveries and restarts. Every record is decoded first, so a malformed one
   * fails the chunk before any of it is taken (the bus then hands the records over one at a time and
   * dead-letters that one).
   */
  onPredictionBatch(events: readonly ConsumedEvent<'keel.inference.logged'>[]): Promise<void> {
    const rows: PredictionRows[] = new Array<PredictionRows>(events.length);
    for (let i = 0; i < events.length; i++)
      rows[i] = decodePredictions(events[i]!.data.inputs, events[i]!.data.outputs);
    // The chunk's consumer span: what the window's sample of trace contexts links to.
    const traceparent = traceparentOf();
    let chain: Promise<void> = Promise.resolve();
    for (let from = 0, i = 1; i <= events.length; i++) {
      const model = events[from]!.data.model;
      if (i < events.length && events[i]!.data.model === model) continue;
      const start = from;
      chain = chain.then(() => this.serial(model, () => this.takeRun(events, rows, start, i, traceparent)));
      from = i;
    }
    return chain;
  }

  private async takeRun(
    events: readonly ConsumedEvent<'keel.inference.logged'>[],
    rows: PredictionRows[],
    start: number,
    end: number,
    traceparent: string | null,
  ): Promise<void> {
    // Records logged in the same millisecond carry the same ce_time: parsed once.
    let time = '';
    let parsed = Number.NaN;
    try {
      for (let i = start; i < end; i++) {
        const e = events[i]!;
        const now = Date.now();
        const at = { partition: e.partition, offset: Number(e.offset) };
        if (e.time !== time) {
          time = e.time;
          parsed = Date.parse(time);
        }
        // Only a window close, a rebuild or a new state waits; the common record is taken synchronously.
        const waiting = this.take(e.data, rows[i]!, parsed || now, at, traceparent, now);
        if (waiting) await waiting;
      }
    } finally {
      // Also when a record failed: the rows taken before it stay in the window.
      const s = this.series(events[start]!.data.model);
      if (s.uncounted > 0) s.predictions.inc(s.uncounted);
      s.uncounted = 0;
      this.performance.noteJoinSize();
    }
  }

  /** One record's rows: synchronously when the model's state and window cursor are at hand. */
  private take(
    p: LoggedPrediction,
    rows: PredictionRows,
    eventTime: number,
    at: LogRecord | undefined,
    traceparent: string | null,
    now: number,
  ): Promise<void> | undefined {
    this.throughput.record(p.model, rows.rows, p.latencyMs, now);
    const series = this.series(p.model);
    series.latency.observe(p.latencyMs / 1000);
    const state = this.resolver.current(p.model, p.version);
    const fromRow = state && at ? this.recovery.admitOpen(state, at) : state ? 0 : undefined;
    if (state === undefined || fromRow === undefined) return this.takeSlowly(p, rows, eventTime, at, traceparent, now);
    if (fromRow === null) return this.storePending(state);
    return this.addRows(state, p, rows, eventTime, at, fromRow, traceparent, now);
  }

  /** take() when the model's state must be resolved or its window rebuilt first. */
  private async takeSlowly(
    p: LoggedPrediction,
    rows: PredictionRows,
    eventTime: number,
    at: LogRecord | undefined,
    traceparent: string | null,
    now: number,
  ): Promise<void> {
    const resolved = await this.resolver.resolve(p.model, p.version);
    if (!('state' in resolved) || !resolved.state?.window) {
      const reason = 'ignored' in resolved ? resolved.ignored : 'no_reference';
      this.metrics.ignored.inc({ model: p.model, reason }, rows.rows);
      return;
    }
    const state = resolved.state;
    const fromRow = at ? await this.recovery.admit(state, at, (e, from) => this.replayed(state, e, from)) : 0;
    if (fromRow === null) return this.recovery.closeInOrder(state, [], (w) => this.close(state, w));
    await this.addRows(state, p, rows, eventTime, at, fromRow, traceparent, now);
  }

  private addRows(
    state: ModelState,
    p: LoggedPrediction,
    rows: PredictionRows,
    eventTime: number,
    at: LogRecord | undefined,
    fromRow: number,
    traceparent: string | null,
    now: number,
  ): Promise<void> | undefined {
    this.performance.rememberPredictions(state, p, rows, now);
    state.predictions += rows.rows - fromRow;
    this.series(p.model).uncounted += rows.rows - fromRow;
    this.sampleOf(state.window!).add(traceparent);
    const closed = state.window!.add(rows, eventTime, now, at?.offset, fromRow);
    if (closed.length === 0 && !this.recovery.hasPending(state)) return undefined;
    return this.recovery
      .closeInOrder(state, closed, (w) => this.close(state, w))
      .then(() => {
        // Rows of this request past the window that closed are in the next one: it covers them too.
        if (closed.length && state.window && state.window.pendingRows > 0) this.sampleOf(state.window).add(traceparent);
      });
  }

  /** A record already in the window: only windows whose store failed earlier may wait. */
  private storePending(state: ModelState): Promise<void> | undefined {
    if (!this.recovery.hasPending(state)) return undefined;
    return this.recovery.closeInOrder(state, [], (w) => this.close(state, w));
  }

  /** A record read again to rebuild the window after a restart: as it went in the first time. */
  private async replayed(state: ModelState, e: ConsumedEvent<'keel.inference.logged'>, fromRow: number) {
    let rows: PredictionRows;
    try {
      rows = decodePredictions(e.data.inputs, e.data.outputs);
    } catch {
      return; // dead-lettered when first consumed
    }
    const time = Date.parse(e.time) || Date.now();
    this.performance.rememberPredictions(state, e.data, rows, Date.now());
    state.predictions += rows.rows - fromRow;
    this.sampleOf(state.window!).add(e.headers['traceparent']);
    const closed = state.window!.add(rows, time, time, Number(e.offset), fromRow);
    await this.recovery.closeInOrder(state, closed, (w) => this.close(state, w));
  }

  // prom-client children bound to the model label, looked up once per model rather than per event; the
  // predictions counter moves once per run of records (prom-client hashes the labels on every call).
  private readonly bound = new Map<
    string,
    { latency: Histogram.Internal<'model'>; predictions: Counter.Internal; uncounted: number }
  >();
  private series(model: string) {
    let s = this.bound.get(model);
    if (!s) {
      s = {
        latency: this.metrics.latency.labels(model),
        predictions: this.metrics.predictions.labels(model),
        uncounted: 0,
      };
      this.bound.set(model, s);
    }
    return s;
  }

  private async tick(now: number): Promise<void> {
    for (const state of this.states.byModel.values()) {
      if (!state.window || state.settings.windowSeconds <= 0) continue;
      try {
        await this.serial(state.model, async () => {
          const closed = state.window?.tick(now) ?? [];
          await this.recovery.closeInOrder(state, closed, (w) => this.close(state, w));
        });
      } catch (err) {
        this.logger.error({ err: (err as Error).message, model: state.model }, 'closing a time window failed');
      }
    }
  }

  private sampleOf(window: DriftWindow): ContextSample {
    let s = this.traces.get(window);
    if (!s) this.traces.set(window, (s = new ContextSample()));
    return s;
  }

  /** The window's span links to a bounded sample of the predictions it covers; its alert is inside it. */
  private close(state: ModelState, w: ClosedWindow): Promise<void> {
    const sample = this.sampleOf(state.window!);
    const predictions = sample.count;
    return withSpan(
      `drift window ${state.model}`,
      (span) => {
        span.setAttributes({
          'keel.model': state.model,
          'keel.model.version': state.version,
          'keel.window.seq': w.seq,
          'keel.window.rows': w.rows,
          'keel.window.predictions': predictions,
        });
        return this.closeIn(state, w);
      },
      { links: linksTo(sample.take(), undefined, { 'keel.link': 'prediction' }) },
      { tracerName: '@keel/monitoring' },
    );
  }

  private async closeIn(state: ModelState, w: ClosedWindow): Promise<void> {
    const profile = state.profile!;
    const reference = state.reference!;
    const evaluation = evaluateWindow(profile, w, state.settings, state.predictionProfile);
    let baselineJson: string | null = null;
    if (!state.predictionProfile && state.settings.predictionDrift && w.prediction && w.prediction.n > 0) {
      state.predictionProfile = predictionBaseline(w.prediction, profile.bins);
      state.window!.setPredictionBaseline(state.predictionProfile);
      baselineJson = JSON.stringify(state.predictionProfile.toJSON());
    }
    const now = Date.now();
    const id = randomUUID();
    const row = {
      id,
      model: state.model,
      version: state.version,
      seq: w.seq,
      fromMs: w.from,
      toMs: w.to,
      rows: w.rows,
      dataset: reference.dataset,
      datasetVersion: reference.datasetVersion,
      referenceSha256: reference.snapshotSha256,
      report: JSON.stringify(evaluation),
      createdAt: now,
    };
    const change = await writeTransaction(this.dataSource, async (m) => {
      await this.repo.insert(m, row);
      await this.recovery.checkpoint(m, state, w);
      if (baselineJson)
        await this.repo.saveBaseline(m, {
          model: state.model,
          version: state.version,
          profile: baselineJson,
          createdAt: now,
        });
      return this.alerts.onDriftWindow(
        m,
        {
          model: state.model,
          version: state.version,
          window: { id, from: w.from, to: w.to, rows: w.rows },
          reference,
          settings: state.settings,
          now,
        },
        evaluation,
      );
    });
    this.notifier.committed(change);
    this.observe(state.model, evaluation);
    this.live.publish('window', windowView(row));
  }

  private observe(model: string, e: ReturnType<typeof evaluateWindow>): void {
    this.metrics.windows.inc({ model });
    for (const [feature, d] of Object.entries(e.features)) {
      if (d.score !== null) this.metrics.featureScore.set({ model, feature, test: d.test }, d.score);
      this.metrics.featureDrift.set({ model, feature }, d.drift ? 1 : 0);
    }
    this.metrics.driftShare.set({ model }, e.driftShare);
    this.metrics.datasetDrift.set({ model }, e.datasetDrift ? 1 : 0);
    if (e.prediction) this.metrics.predictionDrift.set({ model }, e.prediction.drift ? 1 : 0);
  }
}
