// A dataset profile built from libs/ml's mergeable window summaries: one accumulator per column per
// staged part, merged for a snapshot (O(new rows) per snapshot). The result is both the per-column
// summary of the keel.dataset.snapshotted profile and the full drift reference monitoring loads.
import { ReferenceProfile, WindowAccumulator, type AccumulatorJson, type ColumnKind } from '@keel/ml';
import type { CellValue, DatasetColumn, DatasetSchema } from './schema';

export const REFERENCE_PROFILE_FORMAT = 'keel.drift.reference-profile.v1';

export interface ColumnSummary {
  name: string;
  count: number;
  nulls: number;
  numeric?: {
    min: number;
    max: number;
    mean: number;
    std: number;
    histogram: { edges: number[]; counts: number[] };
  };
  categorical?: { counts: Record<string, number> };
}

export const PROFILE_EXACT_LIMIT = 10_000;

export type PartProfileJson = Record<string, AccumulatorJson>;

const storageOf = (c: DatasetColumn) => (c.type === 'categorical' ? 'categorical' : 'numeric');

/** Accumulates rows of one part; mergeable with other parts' summaries through JSON. */
export class ProfileBuilder {
  readonly windows = new Map<string, WindowAccumulator>();

  /**
   * `exactLimit`: values a numeric column keeps exactly before its KLL sketch takes over (default 10,000,
   * which keeps a stored profile small at any dataset size).
   */
  constructor(
    private readonly schema: DatasetSchema,
    options: { exactLimit?: number } = {},
  ) {
    const exactLimit = options.exactLimit ?? PROFILE_EXACT_LIMIT;
    for (const c of schema.columns) this.windows.set(c.name, new WindowAccumulator(storageOf(c), { exactLimit }));
  }

  add(row: readonly CellValue[]): void {
    const cols = this.schema.columns;
    for (let i = 0; i < cols.length; i++) {
      const acc = this.windows.get(cols[i]!.name)!;
      const v = row[i] ?? null;
      if (v === null) acc.missing++;
      else if (typeof v === 'number') acc.addNumber(v);
      else if (typeof v === 'boolean') acc.addNumber(v ? 1 : 0);
      else acc.addCategory(v);
    }
  }

  mergeJson(json: PartProfileJson): void {
    for (const [name, acc] of this.windows) {
      const part = json[name];
      // A column added by a later schema version is missing from older parts: those rows count as missing.
      if (part) acc.merge(WindowAccumulator.fromJSON(part));
    }
  }

  toJSON(): PartProfileJson {
    const out: PartProfileJson = {};
    for (const [name, acc] of this.windows) out[name] = acc.toJSON();
    return out;
  }

  /** The drift reference (libs/ml ReferenceProfile) of everything added or merged so far. */
  reference(): ReferenceProfile {
    const kinds: Record<string, ColumnKind> = {};
    for (const c of this.schema.columns) {
      if (c.type === 'categorical') kinds[c.name] = 'categorical';
      else if (c.type === 'boolean') kinds[c.name] = 'binary';
    }
    return ReferenceProfile.fromWindows(this.windows, { kinds });
  }

  /** The per-column summary carried in the snapshot's profile. */
  summaries(reference = this.reference()): ColumnSummary[] {
    return this.schema.columns.map((c) => {
      const acc = this.windows.get(c.name)!;
      const summary: ColumnSummary = { name: c.name, count: acc.n, nulls: acc.missing };
      if (acc.storage === 'numeric' && acc.n > 0) {
        const col = reference.column(c.name);
        const json = acc.toJSON();
        summary.numeric = {
          min: acc.min,
          max: acc.max,
          mean: json.mean,
          std: acc.std(),
          histogram: { edges: [acc.min, ...col.psiEdges, acc.max], counts: Array.from(col.psiCounts) },
        };
      } else if (acc.storage === 'categorical') {
        summary.categorical = { counts: Object.fromEntries(acc.categories) };
      }
      return summary;
    });
  }
}
