// The reference side of monitoring: one summary per column of the training data, serialisable to JSON,
// from which any number of current windows are compared. Numeric columns carry PSI quantile edges and
// counts, moments, and the exact values (or a KLL sketch past the exact limit); categorical ones counts.
import { DriftError } from './errors';
import { AccumulatorJson, AccumulatorOptions, WindowAccumulator } from './accumulator';
import { quantileEdges } from './binning';
import { quantileCdf, rightClosedCountsCdf } from './ecdf';
import { ColumnKind, RawValue, Storage, inferColumn } from './values';

export interface ProfileOptions extends Omit<AccumulatorOptions, 'psiEdges'> {
  /** PSI bins for numeric columns (quantile edges of the reference). Default 10. */
  bins?: number;
  /** Column kinds to use instead of inferring them (numeric forces numeric storage, categorical text). */
  kinds?: Record<string, ColumnKind>;
}

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  window: WindowAccumulator;
  /** Interior right-closed PSI edges (numeric only). */
  psiEdges: number[];
  /** Reference counts in the PSI bins (numeric only). */
  psiCounts: Float64Array;
}

export interface ReferenceProfileJson {
  version: 1;
  bins: number;
  options: Omit<AccumulatorOptions, 'psiEdges'>;
  columns: { name: string; kind: ColumnKind; psiEdges: number[]; psiCounts: number[]; window: AccumulatorJson }[];
}

export class ReferenceProfile {
  private constructor(
    readonly columns: ReadonlyMap<string, ColumnProfile>,
    readonly bins: number,
    private readonly options: Omit<AccumulatorOptions, 'psiEdges'>,
  ) {}

  /** Profiles raw reference columns; each column's kind is inferred unless given. */
  static fromColumns(columns: Record<string, ArrayLike<RawValue>>, options: ProfileOptions = {}): ReferenceProfile {
    const windows = new Map<string, WindowAccumulator>();
    const kinds: Record<string, ColumnKind> = {};
    for (const [name, values] of Object.entries(columns)) {
      const forced = options.kinds?.[name];
      const inferred =
        forced === 'numeric' || forced === 'categorical' ? { kind: forced, storage: forced } : inferColumn(values);
      const storage: Storage = inferred.storage;
      kinds[name] = forced ?? inferred.kind;
      const acc = new WindowAccumulator(storage, options);
      for (let i = 0; i < values.length; i++) acc.add(values[i]);
      windows.set(name, acc);
    }
    return ReferenceProfile.fromWindows(windows, { ...options, kinds });
  }

  /**
   * Builds the profile from streamed reference windows (PSI edges from the exact values or the sketch).
   * A column's kind defaults to its storage, or binary when it holds at most two distinct values.
   */
  static fromWindows(windows: ReadonlyMap<string, WindowAccumulator>, options: ProfileOptions = {}): ReferenceProfile {
    const bins = options.bins ?? 10;
    if (!Number.isInteger(bins) || bins < 1 || bins > 10_000)
      throw new DriftError('invalid_option', `bins must be an integer in 1..10000, got ${bins}`);
    const columns = new Map<string, ColumnProfile>();
    for (const [name, window] of windows) {
      let psiEdges: number[] = [];
      let psiCounts: Float64Array = new Float64Array(0);
      if (window.storage === 'numeric' && window.n > 0) {
        if (window.isExact()) {
          const sorted = window.sortedValues();
          psiEdges = quantileEdges(sorted, bins);
          psiCounts = new Float64Array(psiEdges.length + 1);
          let b = 0;
          for (const x of sorted) {
            while (b < psiEdges.length && x > psiEdges[b]) b++;
            psiCounts[b]++;
          }
        } else {
          const cdf = window.cdf();
          for (let i = 1; i < bins; i++) {
            const e = quantileCdf(cdf, i / bins);
            if (psiEdges.length === 0 || psiEdges[psiEdges.length - 1] !== e) psiEdges.push(e);
          }
          psiCounts = rightClosedCountsCdf(cdf, psiEdges);
        }
      }
      columns.set(name, { name, kind: options.kinds?.[name] ?? defaultKind(window), window, psiEdges, psiCounts });
    }
    const { kinds: _kinds, bins: _bins, ...accOptions } = options;
    return new ReferenceProfile(columns, bins, accOptions);
  }

  /** Fresh current-window accumulators, one per profiled column, binned on this profile's PSI edges. */
  newWindow(options: Omit<AccumulatorOptions, 'psiEdges'> = {}): Map<string, WindowAccumulator> {
    const out = new Map<string, WindowAccumulator>();
    for (const [name, col] of this.columns) {
      out.set(name, new WindowAccumulator(col.window.storage, { ...this.options, ...options, psiEdges: col.psiEdges }));
    }
    return out;
  }

  /** A current window filled from raw columns (missing columns count as all-missing). */
  windowFromColumns(
    columns: Record<string, ArrayLike<RawValue>>,
    options: Omit<AccumulatorOptions, 'psiEdges'> = {},
  ): Map<string, WindowAccumulator> {
    const windows = this.newWindow(options);
    for (const [name, acc] of windows) {
      const values = columns[name];
      if (!values) throw new DriftError('unknown_column', `current window has no column "${name}"`);
      for (let i = 0; i < values.length; i++) acc.add(values[i]);
    }
    return windows;
  }

  column(name: string): ColumnProfile {
    const c = this.columns.get(name);
    if (!c) throw new DriftError('unknown_column', `profile has no column "${name}"`);
    return c;
  }

  toJSON(): ReferenceProfileJson {
    return {
      version: 1,
      bins: this.bins,
      options: this.options,
      columns: [...this.columns.values()].map((c) => ({
        name: c.name,
        kind: c.kind,
        psiEdges: c.psiEdges,
        psiCounts: Array.from(c.psiCounts),
        window: c.window.toJSON(),
      })),
    };
  }

  static fromJSON(json: ReferenceProfileJson): ReferenceProfile {
    if (!json || json.version !== 1 || !Array.isArray(json.columns))
      throw new DriftError('invalid_input', 'not a version-1 reference profile');
    const columns = new Map<string, ColumnProfile>();
    for (const c of json.columns) {
      columns.set(c.name, {
        name: c.name,
        kind: c.kind,
        window: WindowAccumulator.fromJSON(c.window),
        psiEdges: c.psiEdges,
        psiCounts: Float64Array.from(c.psiCounts),
      });
    }
    return new ReferenceProfile(columns, json.bins, json.options ?? {});
  }
}

function defaultKind(window: WindowAccumulator): ColumnKind {
  const distinct = window.storage === 'numeric' ? window.distinctValues()?.size : window.categories.size;
  return distinct !== undefined && distinct > 0 && distinct <= 2 ? 'binary' : window.storage;
}
