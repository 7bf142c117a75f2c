// Compares current windows with a reference profile: every statistic that applies to each column's
// kind, the chosen test's verdict, and the dataset verdict (drift when at least half the columns drift).
import { DriftError } from './errors';
import type { WindowAccumulator } from './accumulator';
import type { ColumnProfile, ReferenceProfile } from './profile';
import { ks2sampSorted, ksPvalue } from './ks';
import { wassersteinSorted, normedWasserstein } from './wasserstein';
import { equalWidthEdges, histogramSorted } from './binning';
import { histogramCdf, ksStatisticCdf, wassersteinCdf } from './ecdf';
import { jensenShannonDistance, populationStabilityIndex } from './divergence';
import { chi2Contingency, twoProportionZTest } from './contingency';
import { DriftTest, assertApplicable, defaultTest, defaultThreshold, isPvalueTest } from './tests';
import type { ColumnKind } from './values';

export interface ColumnOverride {
  test?: DriftTest;
  threshold?: number;
}

export interface CompareOptions {
  /** Equal-width bins for numeric Jensen–Shannon. Default 10. */
  bins?: number;
  /** Columns to compare (default: every profiled column). */
  columns?: string[];
  overrides?: Record<string, ColumnOverride>;
  /** Share of drifted columns at or above which the dataset drifts. Default 0.5. */
  datasetShare?: number;
}

export interface ColumnDrift {
  kind: ColumnKind;
  n_ref: number;
  n_cur: number;
  /** Shares of missing (or, in numeric columns, unparseable) cells, left out of every test. */
  missing_ref: number;
  missing_cur: number;
  ks_statistic?: number;
  ks_pvalue?: number;
  wasserstein?: number;
  wasserstein_normed?: number;
  jensen_shannon?: number;
  psi?: number;
  chi2_statistic?: number;
  chi2_pvalue?: number;
  z_pvalue?: number;
  test: DriftTest;
  /** The chosen test's p-value or distance; null when a window has no values. */
  score: number | null;
  threshold: number;
  drift: boolean;
  /** False when a KLL sketch stood in for the values of either window. */
  exact: boolean;
  note?: string;
}

export interface DriftReport {
  columns: Record<string, ColumnDrift>;
  drifted_columns: number;
  drift_share: number;
  dataset_drift: boolean;
}

export function compareColumns(
  profile: ReferenceProfile,
  windows: ReadonlyMap<string, WindowAccumulator>,
  options: CompareOptions = {},
): DriftReport {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1 || bins > 10_000)
    throw new DriftError('invalid_option', `bins must be an integer in 1..10000, got ${bins}`);
  const names = options.columns ?? [...profile.columns.keys()];
  for (const name of Object.keys(options.overrides ?? {})) profile.column(name);
  const columns: Record<string, ColumnDrift> = {};
  let drifted = 0;
  for (const name of names) {
    const window = windows.get(name);
    if (!window) throw new DriftError('unknown_column', `no current window for column "${name}"`);
    const result = compareColumn(name, profile.column(name), window, bins, options.overrides?.[name] ?? {});
    columns[name] = result;
    if (result.drift) drifted++;
  }
  const share = names.length > 0 ? drifted / names.length : 0;
  return {
    columns,
    drifted_columns: drifted,
    drift_share: share,
    dataset_drift: names.length > 0 && share >= (options.datasetShare ?? 0.5),
  };
}

export function compareColumn(
  name: string,
  ref: ColumnProfile,
  cur: WindowAccumulator,
  bins: number,
  override: ColumnOverride,
): ColumnDrift {
  const r = ref.window;
  if (
    r.storage === 'numeric' &&
    (!cur.psiEdges || cur.psiEdges.length !== ref.psiEdges.length || cur.psiEdges.some((e, i) => e !== ref.psiEdges[i]))
  ) {
    throw new DriftError(
      'invalid_input',
      `column "${name}": the current window was not created from this profile (use profile.newWindow())`,
    );
  }
  if (cur.storage !== r.storage)
    throw new DriftError(
      'incompatible_merge',
      `column "${name}": current window is ${cur.storage}, profile is ${r.storage}`,
    );
  const { distinct, counts } = distinctValues(r, cur);
  const test = override.test ?? defaultTest(r.storage, r.n, distinct);
  const threshold = override.threshold ?? defaultThreshold(test);
  if (!(threshold >= 0))
    throw new DriftError('invalid_option', `column "${name}": threshold must be a non-negative number`);
  assertApplicable(name, test, r.storage, distinct, counts !== null);
  const head = {
    kind: ref.kind,
    n_ref: r.n,
    n_cur: cur.n,
    missing_ref: share(r.missing, r.n),
    missing_cur: share(cur.missing, cur.n),
  };
  const exact = r.isExact() && cur.isExact();
  if (r.n === 0 || cur.n === 0) {
    const side = r.n === 0 ? 'reference' : 'current';
    return {
      ...head,
      test,
      score: null,
      threshold,
      drift: false,
      exact,
      note: `${side} window has no non-missing values; no test run`,
    };
  }
  const stats: Partial<ColumnDrift> = r.storage === 'numeric' ? numericStats(ref, cur, bins) : {};
  if (counts) Object.assign(stats, countStats(counts.ref, counts.cur, r.storage !== 'numeric', distinct));
  if (ref.kind === 'binary' && test !== 'ks' && test !== 'wasserstein') {
    // Shape statistics say nothing more than the shares for a two-valued column.
    for (const f of ['ks_statistic', 'ks_pvalue', 'wasserstein', 'wasserstein_normed'] as const) delete stats[f];
  }
  const score = scoreOf(test, stats);
  const drift = isPvalueTest(test) ? score < threshold : score >= threshold;
  return { ...head, ...stats, test, score, threshold, drift, exact };
}

function share(missing: number, n: number): number {
  return missing + n > 0 ? missing / (missing + n) : 0;
}

function scoreOf(test: DriftTest, s: Partial<ColumnDrift>): number {
  const v = {
    ks: s.ks_pvalue,
    wasserstein: s.wasserstein_normed,
    jensen_shannon: s.jensen_shannon,
    psi: s.psi,
    chi2: s.chi2_pvalue,
    z: s.z_pvalue,
  }[test];
  if (v === undefined) throw new DriftError('test_not_applicable', `test "${test}" produced no score`);
  return v;
}

interface Counts {
  ref: Map<string, number>;
  cur: Map<string, number>;
}

// Distinct values over both windows, and per-value counts when they are known (categories, or numeric
// columns with at most 16 distinct values per window).
function distinctValues(r: WindowAccumulator, c: WindowAccumulator): { distinct: number; counts: Counts | null } {
  if (r.storage !== 'numeric') {
    const keys = new Set([...r.categories.keys(), ...c.categories.keys()]);
    return { distinct: keys.size, counts: { ref: r.categories, cur: c.categories } };
  }
  const dr = r.distinctValues();
  const dc = c.distinctValues();
  if (!dr || !dc) return { distinct: Infinity, counts: null };
  const keyed = (m: ReadonlyMap<number, number>): Map<string, number> =>
    new Map([...m].map(([x, n]) => [String(x), n]));
  const counts = { ref: keyed(dr), cur: keyed(dc) };
  return { distinct: new Set([...counts.ref.keys(), ...counts.cur.keys()]).size, counts };
}

function numericStats(ref: ColumnProfile, cur: WindowAccumulator, bins: number): Partial<ColumnDrift> {
  const r = ref.window;
  const edges = equalWidthEdges(Math.min(r.min, cur.min), Math.max(r.max, cur.max), bins);
  let ks: { statistic: number; pvalue: number };
  let wd: number;
  let hr: Float64Array;
  let hc: Float64Array;
  if (r.isExact() && cur.isExact()) {
    const a = r.sortedValues();
    const b = cur.sortedValues();
    ks = ks2sampSorted(a, b);
    wd = wassersteinSorted(a, b);
    hr = histogramSorted(a, edges);
    hc = histogramSorted(b, edges);
  } else {
    const a = r.cdf();
    const b = cur.cdf();
    ks = ksPvalue(ksStatisticCdf(a, b), r.n, cur.n);
    wd = wassersteinCdf(a, b);
    hr = histogramCdf(a, edges);
    hc = histogramCdf(b, edges);
  }
  return {
    ks_statistic: ks.statistic,
    ks_pvalue: ks.pvalue,
    wasserstein: wd,
    wasserstein_normed: normedWasserstein(wd, r.std()),
    jensen_shannon: jensenShannonDistance(hr, hc),
    psi: populationStabilityIndex(ref.psiCounts, cur.psiCounts as Float64Array),
  };
}

function countStats(
  refCounts: Map<string, number>,
  curCounts: Map<string, number>,
  categorical: boolean,
  distinct: number,
): Partial<ColumnDrift> {
  const keys = [...new Set([...refCounts.keys(), ...curCounts.keys()])].sort();
  const a = keys.map((k) => refCounts.get(k) ?? 0);
  const b = keys.map((k) => curCounts.get(k) ?? 0);
  const chi2 = chi2Contingency(a, b);
  const out: Partial<ColumnDrift> = { chi2_statistic: chi2.statistic, chi2_pvalue: chi2.pvalue };
  if (categorical) {
    out.jensen_shannon = jensenShannonDistance(a, b);
    out.psi = populationStabilityIndex(a, b);
  }
  if (distinct <= 2) {
    const n1 = a.reduce((s, x) => s + x, 0);
    const n2 = b.reduce((s, x) => s + x, 0);
    out.z_pvalue = twoProportionZTest(a[0], n1, b[0], n2).pvalue;
  }
  return out;
}
