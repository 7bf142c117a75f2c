// The current window of one monitored model version: per-feature accumulators from the reference
// profile (libs/ml), filled one row at a time in O(1), closed by row count or by time, tumbling or
// sliding. A sliding window is a ring of panes (each 1/P of the window); every closed pane yields the
// merge of the last P panes, so memory stays bounded by P panes whatever the traffic.
import { WindowAccumulator, type AccumulatorOptions, type RawValue, type ReferenceProfile } from '@keel/ml';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';
import type { PredictionRows } from './prediction-rows';

export const PREDICTION_COLUMN = 'prediction';

export interface WindowShape {
  windowSize: number;
  windowSeconds: number;
  sliding: boolean;
  slidePanes: number;
}

/** A row of the prediction log: the record's offset in its partition and the row within the record. */
export interface LogPosition {
  offset: number;
  row: number;
}

export interface ClosedWindow {
  /** 1, 2, ... per model version. */
  seq: number;
  /** Epoch ms: event times of the first and last rows (count windows) or the window's time span. */
  from: number;
  to: number;
  rows: number;
  features: ReadonlyMap<string, WindowAccumulator>;
  /** Null when the model logs no probabilities or panes predate the prediction baseline. */
  prediction: WindowAccumulator | null;
  /** Where the rows still held (the next window's) begin in the log, when rows came with positions. */
  resume: LogPosition | null;
}

interface Pane {
  slots: WindowAccumulator[];
  prediction: WindowAccumulator | null;
  rows: number;
  from: number;
  to: number;
  /** Time windows: the pane's end (epoch ms). */
  end: number;
  /** Log position of the pane's first row. */
  start: LogPosition | null;
}

export interface DriftWindowOptions {
  profile: ReferenceProfile;
  /** Features compared (signature inputs the profile knows, minus skipped ones), in a fixed order. */
  features: string[];
  shape: WindowShape;
  accumulator?: Omit<AccumulatorOptions, 'psiEdges'>;
  /** The baseline of prediction drift, once the version has one. */
  predictionProfile?: ReferenceProfile | null;
}

// What add() returns for the usual request that closes no window (frozen: callers only read it).
const NO_WINDOWS: ClosedWindow[] = Object.freeze([]) as unknown as ClosedWindow[];

export class DriftWindow {
  private readonly panes: Pane[] = [];
  private current: Pane | null = null;
  private seq = 0;
  /** Log position right after the last row added. */
  // As two numbers, not a LogPosition per row: the position is only needed when a window closes.
  private nextOffset = -1;
  private nextRow = 0;
  private predictionProfile: ReferenceProfile | null;
  private readonly paneRows: number;
  private readonly paneMs: number;
  private readonly panesPerWindow: number;
  private readonly cols: (ArrayLike<RawValue> | undefined)[];
  private readonly distinctFeatures: boolean;
  /** Tensor position of each feature in the last logged requests (see columns()). */
  private layout: Int32Array | null = null;

  constructor(private readonly o: DriftWindowOptions) {
    const { windowSize, windowSeconds, sliding, slidePanes } = o.shape;
    this.panesPerWindow = sliding ? slidePanes : 1;
    if (windowSize > 0 && windowSize % this.panesPerWindow !== 0)
      throw new MonitoringError(
        MonitoringErrorCode.InvalidArgument,
        `windowSize ${windowSize} must be a multiple of the ${this.panesPerWindow} panes of a sliding window`,
        'windowSize',
      );
    this.paneRows = windowSize > 0 ? windowSize / this.panesPerWindow : 0;
    this.paneMs = windowSeconds > 0 ? (windowSeconds * 1000) / this.panesPerWindow : 0;
    this.predictionProfile = o.predictionProfile ?? null;
    this.cols = new Array<ArrayLike<RawValue> | undefined>(o.features.length);
    this.distinctFeatures = new Set(o.features).size === o.features.length;
  }

  get features(): readonly string[] {
    return this.o.features;
  }

  /** Rows in the window being filled (all open panes). */
  get pendingRows(): number {
    return this.panes.reduce((s, p) => s + p.rows, 0) + (this.current?.rows ?? 0);
  }

  get closedWindows(): number {
    return this.seq;
  }

  hasPredictionBaseline(): boolean {
    return this.predictionProfile !== null;
  }

  /** Continues the seq numbering of a window rebuilt after a restart. */
  continueFrom(closedWindows: number): void {
    this.seq = closedWindows;
  }

  /** Sets the baseline; panes opened from now on are binned on its PSI edges. */
  setPredictionBaseline(profile: ReferenceProfile): void {
    this.predictionProfile = profile;
  }

  /**
   * Adds the rows of one logged request from `fromRow` on (all by default); returns the windows it
   * closed (usually none). With the record's `offset`, windows know where in the log they begin.
   */
  add(rows: PredictionRows, eventTime: number, now: number = eventTime, offset?: number, fromRow = 0): ClosedWindow[] {
    let closed = this.paneMs > 0 ? this.tick(now) : NO_WINDOWS;
    const cols = this.columns(rows);
    for (let r = fromRow; r < rows.rows; r++) {
      const pane = this.open(now, rows.positive !== null);
      if (pane.rows === 0) pane.start = offset === undefined ? null : { offset, row: r };
      if (offset !== undefined) {
        const last = r + 1 >= rows.rows;
        this.nextOffset = last ? offset + 1 : offset;
        this.nextRow = last ? 0 : r + 1;
      }
      for (let c = 0; c < cols.length; c++) {
        const col = cols[c];
        pane.slots[c]!.add(col === undefined ? undefined : col[r]);
      }
      if (pane.prediction && rows.positive) pane.prediction.addNumber(rows.positive[r]!);
      if (this.paneMs <= 0) {
        if (pane.rows === 0) pane.from = eventTime;
        pane.to = Math.max(pane.to, eventTime);
      }
      pane.rows++;
      if (this.paneRows > 0 && pane.rows >= this.paneRows) {
        const w = this.closePane();
        if (w) (closed === NO_WINDOWS ? (closed = []) : closed).push(w);
      }
    }
    return closed;
  }

  /**
   * The column of each feature (in `features` order) in a reused array. Logged requests lay their
   * tensors out the same way request after request: once the tensors are exactly the features (each
   * once), their positions are kept and only checked by name, without a map per request.
   */
  private columns(rows: PredictionRows): (ArrayLike<RawValue> | undefined)[] {
    const features = this.o.features;
    const cols = this.cols;
    const tensors = rows.tensors;
    const exact = tensors !== undefined && tensors.length === features.length && this.distinctFeatures;
    const layout = this.layout;
    if (exact && layout !== null) {
      let c = 0;
      while (c < features.length && tensors[layout[c]!]!.name === features[c]) c++;
      if (c === features.length) {
        for (c = 0; c < features.length; c++) cols[c] = tensors[layout[c]!]!.data;
        return cols;
      }
    }
    const byName = rows.inputs;
    for (let c = 0; c < features.length; c++) cols[c] = byName.get(features[c]!);
    if (exact) this.layout = this.layoutOf(tensors);
    return cols;
  }

  /** Position of each feature among `tensors` when they are exactly the features, each once; else null. */
  private layoutOf(tensors: readonly { name: string }[]): Int32Array | null {
    const at = new Map<string, number>();
    for (let i = 0; i < tensors.length; i++) {
      if (at.has(tensors[i]!.name)) return null;
      at.set(tensors[i]!.name, i);
    }
    const layout = new Int32Array(this.o.features.length);
    for (let c = 0; c < layout.length; c++) {
      const i = at.get(this.o.features[c]!);
      if (i === undefined) return null;
      layout[c] = i;
    }
    return layout;
  }

  /** Time windows: closes the panes whose time is over (call on a timer too, so idle windows close). */
  tick(now: number): ClosedWindow[] {
    const closed: ClosedWindow[] = [];
    if (this.paneMs <= 0) return closed;
    // Sliding: the ring keeps time across idle panes, at most one window's worth of them.
    for (let idle = 0; this.current && now >= this.current.end && idle <= this.panesPerWindow;) {
      const end = this.current.end;
      if (this.current.rows === 0) idle++;
      const w = this.closePane();
      if (w) closed.push(w);
      if (this.panesPerWindow > 1 && now >= end + this.paneMs) this.current = this.newPane(end, false);
    }
    if (this.current && now >= this.current.end) {
      this.current = null;
      this.panes.length = 0;
    }
    return closed;
  }

  private open(now: number, withPrediction: boolean): Pane {
    if (this.current) {
      if (withPrediction && !this.current.prediction && this.current.rows === 0)
        this.current.prediction = this.predictionAccumulator();
      return this.current;
    }
    const start = this.paneMs > 0 ? Math.floor(now / this.paneMs) * this.paneMs : now;
    this.current = this.newPane(start, withPrediction);
    return this.current;
  }

  private newPane(start: number, withPrediction: boolean): Pane {
    const windows = this.o.profile.newWindow(this.o.accumulator);
    return {
      slots: this.o.features.map((f) => windows.get(f)!),
      prediction: withPrediction ? this.predictionAccumulator() : null,
      rows: 0,
      from: this.paneMs > 0 ? start : 0,
      to: this.paneMs > 0 ? start + this.paneMs : 0,
      end: start + this.paneMs,
      start: null,
    };
  }

  private predictionAccumulator(): WindowAccumulator {
    const fromProfile = this.predictionProfile?.newWindow(this.o.accumulator).get(PREDICTION_COLUMN);
    return fromProfile ?? new WindowAccumulator('numeric', this.o.accumulator);
  }

  private closePane(): ClosedWindow | null {
    const pane = this.current;
    this.current = null;
    if (!pane) return null;
    this.panes.push(pane);
    if (this.panes.length < this.panesPerWindow) return null;
    while (this.panes.length > this.panesPerWindow) this.panes.shift();
    const window = this.merge(this.panes);
    if (this.panesPerWindow === 1) this.panes.length = 0;
    else this.panes.shift();
    const next = this.nextOffset >= 0 ? { offset: this.nextOffset, row: this.nextRow } : null;
    if (window) window.resume = this.panes.find((p) => p.start)?.start ?? next;
    return window;
  }

  private merge(panes: Pane[]): ClosedWindow | null {
    const rows = panes.reduce((s, p) => s + p.rows, 0);
    if (rows === 0) return null;
    const timed = this.paneMs > 0;
    const filled = panes.filter((p) => p.rows > 0);
    const from = timed ? panes[0]!.from : Math.min(...filled.map((p) => p.from));
    const to = timed ? panes[panes.length - 1]!.to : Math.max(...filled.map((p) => p.to));
    const features = new Map<string, WindowAccumulator>();
    let prediction: WindowAccumulator | null = null;
    if (panes.length === 1) {
      this.o.features.forEach((f, i) => features.set(f, panes[0]!.slots[i]!));
      prediction = panes[0]!.prediction;
    } else {
      const merged = this.o.profile.newWindow(this.o.accumulator);
      this.o.features.forEach((f, i) => {
        const acc = merged.get(f)!;
        for (const p of panes) acc.merge(p.slots[i]!);
        features.set(f, acc);
      });
      prediction = this.mergePredictions(filled);
    }
    this.seq++;
    return { seq: this.seq, from, to, rows, features, prediction, resume: null };
  }

  // Panes opened before the baseline existed are not binned on its edges: no prediction verdict then.
  private mergePredictions(panes: Pane[]): WindowAccumulator | null {
    if (!this.predictionProfile || panes.some((p) => !p.prediction || !p.prediction.psiEdges)) return null;
    const acc = this.predictionAccumulator();
    for (const p of panes) acc.merge(p.prediction!);
    return acc;
  }
}
