// One-call drift detection on raw columns (what the CLI uses): profile the reference, fill a current
// window, compare. Monitoring uses the same pieces separately to keep windows streaming.
import type { AccumulatorOptions } from './accumulator';
import { CompareOptions, DriftReport, compareColumns } from './compare';
import { DriftError } from './errors';
import { ReferenceProfile } from './profile';
import type { ColumnKind, RawValue } from './values';

export interface DetectOptions extends CompareOptions, Omit<AccumulatorOptions, 'psiEdges'> {
  /** Column kinds to use instead of inferring them from the reference. */
  kinds?: Record<string, ColumnKind>;
}

export function detectDrift(
  reference: Record<string, ArrayLike<RawValue>>,
  current: Record<string, ArrayLike<RawValue>>,
  options: DetectOptions = {},
): DriftReport {
  const names = options.columns ?? Object.keys(reference);
  const pick = (cols: Record<string, ArrayLike<RawValue>>, side: string): Record<string, ArrayLike<RawValue>> => {
    const out: Record<string, ArrayLike<RawValue>> = {};
    for (const n of names) {
      const values = cols[n];
      if (!values) throw new DriftError('unknown_column', `${side} has no column "${n}"`);
      out[n] = values;
    }
    return out;
  };
  const { bins, columns: _c, overrides, datasetShare, kinds, ...accOptions } = options;
  const profile = ReferenceProfile.fromColumns(pick(reference, 'reference'), { ...accOptions, bins, kinds });
  const window = profile.windowFromColumns(pick(current, 'current'), accOptions);
  return compareColumns(profile, window, { bins, overrides, datasetShare });
}
