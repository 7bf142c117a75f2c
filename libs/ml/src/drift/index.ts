// Drift statistics and streaming summaries (issue 7): scipy-exact tests on typed arrays, a serialisable
// reference profile, mergeable window accumulators with a KLL sketch past the exact limit.
export { DriftError } from './errors';
export type { DriftErrorCode } from './errors';
export { ks2samp, ks2sampSorted, ksPvalue, ksStatisticSorted } from './ks';
export type { KsResult } from './ks';
export { kolmogorovSf, smirnov } from './kolmogorov';
export { wassersteinDistance, wassersteinSorted, normedWasserstein } from './wasserstein';
export { jensenShannonDistance, populationStabilityIndex, PSI_ZERO_SHARE } from './divergence';
export { chi2Contingency, twoProportionZTest } from './contingency';
export type { Chi2Result, ZTestResult } from './contingency';
export { equalWidthEdges, histogramSorted, quantileSorted, quantileEdges, rightClosedBin } from './binning';
export { chi2Sf, normalTwoSided, gammaQ, logGamma } from './special';
export { sortedCopy } from './sorted';
export { KllSketch, kllRankError, DEFAULT_KLL_K } from './kll';
export type { KllSketchJson, WeightedCdf } from './kll';
export { WindowAccumulator, DEFAULT_EXACT_LIMIT, OTHER_CATEGORY } from './accumulator';
export type { AccumulatorOptions, AccumulatorJson } from './accumulator';
export { ReferenceProfile } from './profile';
export type { ColumnProfile, ProfileOptions, ReferenceProfileJson } from './profile';
export { compareColumns, compareColumn } from './compare';
export type { ColumnDrift, ColumnOverride, CompareOptions, DriftReport } from './compare';
export {
  DRIFT_TESTS,
  defaultTest,
  defaultThreshold,
  isPvalueTest,
  parseDriftTest,
  SMALL_REFERENCE_ROWS,
} from './tests';
export type { DriftTest } from './tests';
export { detectDrift } from './detect';
export type { DetectOptions } from './detect';
export { inferColumn, inferKind, toNumber, toCategory } from './values';
export type { ColumnKind, RawValue, Storage } from './values';
// isMissing (what counts as a missing cell) is exported from core: one definition for drift and training.
