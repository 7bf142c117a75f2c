// Which test decides drift for a column, and its default threshold, after Evidently's published rules.
import { DriftError } from './errors';
import type { Storage } from './values';

export type DriftTest = 'ks' | 'wasserstein' | 'jensen_shannon' | 'psi' | 'chi2' | 'z';
export const DRIFT_TESTS: readonly DriftTest[] = ['ks', 'wasserstein', 'jensen_shannon', 'psi', 'chi2', 'z'];

/** Reference rows (non-missing) up to which the p-value tests are the default. */
export const SMALL_REFERENCE_ROWS = 1000;
export const DEFAULT_PVALUE_THRESHOLD = 0.05;
export const DEFAULT_DISTANCE_THRESHOLD = 0.1;

/** p-value tests drift below their threshold; distances drift at or above it. */
export function isPvalueTest(test: DriftTest): boolean {
  switch (test) {
    case 'ks':
    case 'chi2':
    case 'z':
      return true;
    case 'wasserstein':
    case 'jensen_shannon':
    case 'psi':
      return false;
  }
}

export function defaultThreshold(test: DriftTest): number {
  return isPvalueTest(test) ? DEFAULT_PVALUE_THRESHOLD : DEFAULT_DISTANCE_THRESHOLD;
}

/**
 * ≤ 1,000 reference rows: KS for numeric columns with more than 5 distinct values (both windows), else
 * chi-squared with more than 2 values, else Z. Above: normed Wasserstein for numeric columns with more
 * than 5 values, else Jensen–Shannon.
 */
export function defaultTest(storage: Storage, referenceRows: number, distinctValues: number): DriftTest {
  const manyValues = storage === 'numeric' && distinctValues > 5;
  if (referenceRows <= SMALL_REFERENCE_ROWS) {
    if (manyValues) return 'ks';
    return distinctValues > 2 ? 'chi2' : 'z';
  }
  return manyValues ? 'wasserstein' : 'jensen_shannon';
}

/** Throws a typed error when `test` cannot run on this column. */
export function assertApplicable(
  column: string,
  test: DriftTest,
  storage: Storage,
  distinctValues: number,
  countsKnown: boolean,
): void {
  let ok: boolean;
  switch (test) {
    case 'ks':
    case 'wasserstein':
      ok = storage === 'numeric';
      break;
    case 'chi2':
      ok = countsKnown;
      break;
    case 'z':
      ok = countsKnown && distinctValues <= 2;
      break;
    case 'jensen_shannon':
    case 'psi':
      ok = true;
      break;
  }
  if (!ok)
    throw new DriftError(
      'test_not_applicable',
      `test "${test}" does not apply to ${storage} column "${column}" with ${distinctValues} distinct values`,
    );
}

export function parseDriftTest(name: string): DriftTest {
  const t = DRIFT_TESTS.find((x) => x === name);
  if (!t)
    throw new DriftError('invalid_option', `unknown drift test "${name}" (expected one of ${DRIFT_TESTS.join(', ')})`);
  return t;
}
