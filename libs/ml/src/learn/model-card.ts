// The model card as data: what was trained (learner, parameters, seed), on what (a summary of the data),
// how well it did (metrics per split) and what it relies on (importances). Plain JSON values only, built
// deterministically, so the registry can store it beside the model and the CLI can print it.
import { isMissing } from '../core';
import type { FittedPipeline } from './fitted-pipeline';
import type { ModelImportances, PermutationImportances } from './importance';
import type { Metrics } from './metrics';
import { categoryOf, parseBoolean, parseNumeric } from './schema';
import { getColumn, type Table, type TableInput, toTable } from './table';

export const MODEL_CARD_SCHEMA = 'keel.model-card/v1';

export interface NumericSummary {
  readonly name: string;
  readonly type: 'numeric' | 'boolean';
  readonly missing: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface CategoricalSummary {
  readonly name: string;
  readonly type: 'categorical';
  readonly missing: number;
  readonly distinct: number;
  /** The most frequent categories with their counts (at most 10, ties in category order). */
  readonly top: readonly { readonly category: string; readonly count: number }[];
}

export interface DataSummary {
  readonly rows: number;
  readonly positives: number;
  readonly negatives: number;
  readonly columns: readonly (NumericSummary | CategoricalSummary)[];
}

export interface ModelCardDocument {
  readonly schema: typeof MODEL_CARD_SCHEMA;
  readonly model: {
    readonly algo: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly seed: number;
    readonly iterations: number;
    readonly solver: string | null;
    readonly target: string;
    readonly positive: string;
    readonly negative: string;
    readonly missing: string;
    readonly encoding: { readonly minFrequency: number | null; readonly maxCategories: number | null };
    readonly features: readonly { readonly name: string; readonly type: string }[];
    readonly featureNames: readonly string[];
    readonly trainingRows: number;
  };
  /** Metrics by split name (e.g. validation, test), keys sorted. */
  readonly metrics: Readonly<Record<string, Metrics>>;
  readonly data: DataSummary;
  readonly importances: {
    readonly model: ModelImportances;
    readonly permutation: PermutationImportances | null;
  };
}

export interface ModelCardInput {
  readonly pipeline: FittedPipeline;
  readonly metrics: Readonly<Record<string, Metrics>>;
  /** Summary of the rows the model was fitted on (summarizeData). */
  readonly data: DataSummary;
  readonly importances: { readonly model: ModelImportances; readonly permutation?: PermutationImportances };
}

export function buildModelCard(input: ModelCardInput): ModelCardDocument {
  const card = input.pipeline.card;
  const metrics: Record<string, Metrics> = {};
  for (const key of Object.keys(input.metrics).sort()) metrics[key] = input.metrics[key];
  return {
    schema: MODEL_CARD_SCHEMA,
    model: {
      algo: card.algo,
      params: { ...card.params },
      seed: card.seed,
      iterations: card.iterations,
      solver: card.solver ?? null,
      target: card.target,
      positive: card.positive,
      negative: card.negative,
      missing: card.missing,
      encoding: card.encoding,
      features: card.features.map((f) => ({ name: f.name, type: f.type })),
      featureNames: [...card.featureNames],
      trainingRows: card.trainingRows,
    },
    metrics,
    data: input.data,
    importances: { model: input.importances.model, permutation: input.importances.permutation ?? null },
  };
}

/** Rows, class balance and per-feature statistics of `data`, read with the model's column types. */
export function summarizeData(pipeline: FittedPipeline, data: TableInput | Table): DataSummary {
  const table = toTable(data);
  const { card } = pipeline;
  const target = getColumn(table, card.target);
  let positives = 0;
  for (let i = 0; i < table.rows; i++)
    if (!isMissing(target[i]) && String(target[i]).trim() === card.positive) positives++;
  const columns = card.features.map((feature): NumericSummary | CategoricalSummary => {
    const values = getColumn(table, feature.name);
    if (feature.type === 'categorical') {
      const counts = new Map<string, number>();
      let missing = 0;
      for (let i = 0; i < values.length; i++) {
        const cat = categoryOf(values[i]);
        if (cat === '') missing++;
        else counts.set(cat, (counts.get(cat) ?? 0) + 1);
      }
      const top = [...counts.keys()]
        .sort()
        .map((category) => ({ category, count: counts.get(category) ?? 0 }))
        .sort((a, b) => b.count - a.count)
        .slice(0, 10);
      return { name: feature.name, type: 'categorical', missing, distinct: counts.size, top };
    }
    const parse = feature.type === 'boolean' ? parseBoolean : parseNumeric;
    let missing = 0;
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = parse(values[i], feature.name, i);
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return {
      name: feature.name,
      type: feature.type,
      missing,
      min: n > 0 ? min : null,
      max: n > 0 ? max : null,
      mean: n > 0 ? sum / n : null,
    };
  });
  return { rows: table.rows, positives, negatives: table.rows - positives, columns };
}
