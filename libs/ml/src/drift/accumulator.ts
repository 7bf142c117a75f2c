// One column's window summary, updated one value at a time and mergeable: counts, moments, the exact
// values up to `exactLimit` (then a KLL sketch), right-closed PSI bin counts against the reference's
// quantile edges, a few distinct numeric values (for the low-cardinality rules), and category counts.
import { DriftError } from './errors';
import { DEFAULT_KLL_K, KllSketch, KllSketchJson, WeightedCdf } from './kll';
import { rightClosedBin } from './binning';
import { cdfOfSorted } from './ecdf';
import { RawValue, Storage, isMissing, toCategory, toNumber } from './values';

export interface AccumulatorOptions {
  /** Keep every value (exact statistics) up to this many; beyond it switch to a KLL sketch. Default 100,000. */
  exactLimit?: number;
  /** KLL accuracy parameter (rank error ≤ 4/k). Default 2048. */
  sketchK?: number;
  /** Seed of the sketch's compaction coin. */
  seed?: number;
  /** Categories beyond this many distinct ones are pooled into OTHER_CATEGORY. Default 10,000. */
  maxCategories?: number;
  /** Interior PSI edges (from the reference profile) to count the window against. */
  psiEdges?: ArrayLike<number>;
}

export const DEFAULT_EXACT_LIMIT = 100_000;
export const OTHER_CATEGORY = '\u0000other';
// Enough distinct numeric values to apply Evidently's "more than 5 values" rules on both windows.
const DISTINCT_CAP = 16;

export interface AccumulatorJson {
  storage: Storage;
  n: number;
  missing: number;
  mean: number;
  m2: number;
  min: number | null;
  max: number | null;
  values?: number[];
  sketch?: KllSketchJson;
  distinct?: [number, number][] | null;
  psiEdges?: number[];
  psiCounts?: number[];
  categories?: [string, number][];
  options: { exactLimit: number; sketchK: number; seed: number; maxCategories: number };
}

export class WindowAccumulator {
  n = 0;
  missing = 0;
  private mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;
  private buffer: Float64Array | null = null;
  private size = 0;
  private sorted = true;
  private sketch: KllSketch | null = null;
  private distinct: Map<number, number> | null = new Map();
  readonly psiEdges: Float64Array | null;
  readonly psiCounts: Float64Array | null;
  readonly categories = new Map<string, number>();
  private readonly exactLimit: number;
  private readonly sketchK: number;
  private readonly seed: number;
  private readonly maxCategories: number;

  constructor(
    readonly storage: Storage,
    options: AccumulatorOptions = {},
  ) {
    this.exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
    this.sketchK = options.sketchK ?? DEFAULT_KLL_K;
    this.seed = options.seed ?? 1;
    this.maxCategories = options.maxCategories ?? 10_000;
    if (!Number.isInteger(this.exactLimit) || this.exactLimit < 0)
      throw new DriftError('invalid_option', `exactLimit must be a non-negative integer, got ${this.exactLimit}`);
    this.psiEdges = storage === 'numeric' && options.psiEdges ? Float64Array.from(options.psiEdges) : null;
    this.psiCounts = this.psiEdges ? new Float64Array(this.psiEdges.length + 1) : null;
    if (storage === 'numeric') this.buffer = new Float64Array(Math.min(1024, Math.max(this.exactLimit, 1)));
  }

  /** Adds one raw cell; missing (or, in a numeric column, non-numeric) values are only counted. */
  add(v: RawValue): void {
    if (isMissing(v)) {
      this.missing++;
      return;
    }
    if (this.storage === 'numeric') this.addNumber(toNumber(v));
    else this.addCategory(toCategory(v));
  }

  addNumber(x: number): void {
    if (Number.isNaN(x)) {
      this.missing++;
      return;
    }
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.distinct) {
      this.distinct.set(x, (this.distinct.get(x) ?? 0) + 1);
      if (this.distinct.size > DISTINCT_CAP) this.distinct = null;
    }
    if (this.psiEdges && this.psiCounts) this.psiCounts[rightClosedBin(x, this.psiEdges)]++;
    if (this.sketch) this.sketch.update(x);
    else this.pushExact(x);
  }

  addCategory(key: string, count = 1): void {
    this.n += count;
    const known = this.categories.get(key);
    if (known !== undefined) this.categories.set(key, known + count);
    else if (this.categories.size < this.maxCategories) this.categories.set(key, count);
    else this.categories.set(OTHER_CATEGORY, (this.categories.get(OTHER_CATEGORY) ?? 0) + count);
  }

  merge(other: WindowAccumulator): void {
    if (other.storage !== this.storage)
      throw new DriftError('incompatible_merge', `cannot merge a ${other.storage} window into a ${this.storage} one`);
    if (!sameEdges(this.psiEdges, other.psiEdges))
      throw new DriftError('incompatible_merge', 'cannot merge windows binned on different PSI edges');
    this.missing += other.missing;
    if (this.storage !== 'numeric') {
      for (const [k, c] of other.categories) this.addCategory(k, c);
      return;
    }
    // Chan et al.'s pairwise update of mean and sum of squared deviations.
    const n = this.n + other.n;
    if (n > 0) {
      const delta = other.mean - this.mean;
      this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
      this.mean += (delta * other.n) / n;
    }
    this.n = n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    if (this.distinct && other.distinct) {
      for (const [x, c] of other.distinct) this.distinct.set(x, (this.distinct.get(x) ?? 0) + c);
      if (this.distinct.size > DISTINCT_CAP) this.distinct = null;
    } else this.distinct = null;
    if (this.psiCounts && other.psiCounts)
      for (let i = 0; i < this.psiCounts.length; i++) this.psiCounts[i] += other.psiCounts[i];
    if (other.sketch) {
      this.toSketch();
      this.sketch?.merge(other.sketch);
    } else if (other.buffer) {
      for (let i = 0; i < other.size; i++) {
        if (this.sketch) this.sketch.update(other.buffer[i]);
        else this.pushExact(other.buffer[i]);
      }
    }
  }

  /** True while every value is kept (no sketch, no pooled categories): statistics are then exact. */
  isExact(): boolean {
    if (this.storage !== 'numeric') return !this.categories.has(OTHER_CATEGORY);
    return this.sketch === null;
  }

  /** Population standard deviation. */
  std(): number {
    return this.n > 0 ? Math.sqrt(this.m2 / this.n) : 0;
  }

  /** The kept values, ascending (exact mode only). */
  sortedValues(): Float64Array {
    if (!this.buffer) throw new DriftError('invalid_input', 'sortedValues: window is not in exact numeric mode');
    if (!this.sorted) {
      this.buffer.subarray(0, this.size).sort();
      this.sorted = true;
    }
    return this.buffer.subarray(0, this.size);
  }

  /** Step CDF of the window (exact or from the sketch). */
  cdf(): WeightedCdf {
    if (this.sketch) return this.sketch.cdf();
    return cdfOfSorted(this.sortedValues());
  }

  /** Distinct numeric values with counts, or null when there are more than 16. */
  distinctValues(): ReadonlyMap<number, number> | null {
    return this.distinct;
  }

  /** Values kept in memory (exact buffer or sketch items) — what bounds the window's footprint. */
  retainedValues(): number {
    return this.sketch ? this.sketch.retained() : this.size;
  }

  toJSON(): AccumulatorJson {
    return {
      storage: this.storage,
      n: this.n,
      missing: this.missing,
      mean: this.mean,
      m2: this.m2,
      min: Number.isFinite(this.min) ? this.min : null,
      max: Number.isFinite(this.max) ? this.max : null,
      values: this.buffer && !this.sketch ? Array.from(this.buffer.subarray(0, this.size)) : undefined,
      sketch: this.sketch?.toJSON(),
      distinct: this.storage === 'numeric' ? (this.distinct ? [...this.distinct] : null) : undefined,
      psiEdges: this.psiEdges ? Array.from(this.psiEdges) : undefined,
      psiCounts: this.psiCounts ? Array.from(this.psiCounts) : undefined,
      categories: this.storage === 'numeric' ? undefined : [...this.categories],
      options: {
        exactLimit: this.exactLimit,
        sketchK: this.sketchK,
        seed: this.seed,
        maxCategories: this.maxCategories,
      },
    };
  }

  static fromJSON(json: AccumulatorJson): WindowAccumulator {
    if (!json || (json.storage !== 'numeric' && json.storage !== 'categorical')) {
      throw new DriftError('invalid_input', 'window JSON has no valid storage');
    }
    const acc = new WindowAccumulator(json.storage, { ...json.options, psiEdges: json.psiEdges });
    if (json.storage !== 'numeric') {
      for (const [k, c] of json.categories ?? []) acc.addCategory(k, c);
      acc.missing = json.missing;
      return acc;
    }
    Object.assign(acc, { n: json.n, missing: json.missing, mean: json.mean, m2: json.m2 });
    acc.min = json.min ?? Infinity;
    acc.max = json.max ?? -Infinity;
    acc.distinct = json.distinct ? new Map(json.distinct) : null;
    if (acc.psiCounts && json.psiCounts) acc.psiCounts.set(json.psiCounts);
    if (json.sketch) {
      acc.sketch = KllSketch.fromJSON(json.sketch);
      acc.buffer = null;
    } else {
      acc.buffer = Float64Array.from(json.values ?? []);
      acc.size = acc.buffer.length;
      acc.sorted = false;
    }
    return acc;
  }

  private pushExact(x: number): void {
    if (this.size >= this.exactLimit) {
      this.toSketch();
      this.sketch?.update(x);
      return;
    }
    let buf = this.buffer as Float64Array;
    if (this.size === buf.length) {
      const grown = new Float64Array(Math.min(buf.length * 2, Math.max(this.exactLimit, 1)));
      grown.set(buf);
      this.buffer = buf = grown;
    }
    if (this.size > 0 && x < buf[this.size - 1]) this.sorted = false;
    buf[this.size++] = x;
  }

  private toSketch(): void {
    if (this.sketch || this.storage !== 'numeric') return;
    const sketch = new KllSketch(this.sketchK, this.seed);
    if (this.buffer) for (let i = 0; i < this.size; i++) sketch.update(this.buffer[i]);
    this.sketch = sketch;
    this.buffer = null;
    this.size = 0;
  }
}

function sameEdges(a: Float64Array | null, b: Float64Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
