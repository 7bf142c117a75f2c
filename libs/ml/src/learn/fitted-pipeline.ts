// A fitted pipeline: scores tables with the same float32 arithmetic as its ONNX graph, evaluates,
// explains and exports. Built by fitPipeline (pipeline.ts) or read back from ONNX (onnx-import.ts).
import { isMissing } from '../core';
import { MlError, MlErrorCode } from './errors';
import { explainPipeline, type Explanation } from './explain';
import { logisticMargin, sigmoid } from './logistic';
import { computeMetrics, type Metrics } from './metrics';
import { type Classifier, exportOnnx } from './onnx-export';
import type { Algo, AnyParams } from './params';
import { type FeatureColumn, type MissingMode, type Preprocessor, transform } from './preprocess';
import { getColumn, type Table, type TableInput, toTable } from './table';
import { sumTrees } from './tree';

/** What the registry stores beside the model (and the ONNX metadata carries): enough to reproduce it. */
export interface ModelCard {
  readonly algo: Algo;
  readonly target: string;
  readonly positive: string;
  readonly negative: string;
  readonly seed: number;
  readonly params: AnyParams;
  /** Infrequent-category grouping of the one-hot encoder (null = off). */
  readonly encoding: { readonly minFrequency: number | null; readonly maxCategories: number | null };
  /** 'native' (trees: learned missing directions) or 'impute' (logistic regression). */
  readonly missing: MissingMode;
  readonly features: readonly FeatureColumn[];
  readonly featureNames: readonly string[];
  readonly trainingRows: number;
  /** Newton or L-BFGS iterations (lr), trees built (rf; gbdt: fewer than maxIter if early stopping fired). */
  readonly iterations: number;
  /** The solver logistic regression used. */
  readonly solver?: 'newton' | 'lbfgs';
}

export interface FittedPipeline {
  readonly card: ModelCard;
  readonly preprocessor: Preprocessor;
  readonly classifier: Classifier;
  /** P(positive class) per row. */
  predictProba(table: TableInput | Table): Float64Array;
  /** The raw model output per row: the log-odds margin (lr, gbdt) or the forest's probability (rf). */
  predictRaw(table: TableInput | Table): Float64Array;
  /** 1 where P(positive) > 0.5, as the ONNX `label` output. */
  predict(table: TableInput | Table): Uint8Array;
  /** Metrics against the target column of `table`. */
  evaluate(table: TableInput | Table): Metrics;
  /** Per-row attributions over the input columns (TreeSHAP for trees, linear SHAP for lr). */
  explain(table: TableInput | Table): Explanation;
  toOnnx(): Uint8Array;
}

export class Pipeline implements FittedPipeline {
  constructor(
    readonly card: ModelCard,
    readonly preprocessor: Preprocessor,
    readonly classifier: Classifier,
  ) {}

  predictRaw(input: TableInput | Table): Float64Array {
    const x = transform(this.preprocessor, toTable(input));
    switch (this.classifier.kind) {
      case 'lr':
        return logisticMargin(this.classifier.model, x);
      case 'rf':
        return sumTrees(this.classifier.trees, x, 0);
      case 'gbdt':
        return sumTrees(this.classifier.model.trees, x, this.classifier.model.base);
    }
  }

  predictProba(input: TableInput | Table): Float64Array {
    const raw = this.predictRaw(input);
    return this.classifier.kind === 'rf' ? raw.map((p) => Math.min(Math.max(p, 0), 1)) : raw.map(sigmoid);
  }

  predict(input: TableInput | Table): Uint8Array {
    return Uint8Array.from(this.predictProba(input), (p) => (p > 0.5 ? 1 : 0));
  }

  evaluate(input: TableInput | Table): Metrics {
    const table = toTable(input);
    const y = targetLabels(table, this.card.target, this.card.positive, this.card.negative);
    return computeMetrics(y, this.predictProba(table));
  }

  explain(input: TableInput | Table): Explanation {
    return explainPipeline(this, toTable(input));
  }

  toOnnx(): Uint8Array {
    const extra: Record<string, string> =
      this.classifier.kind === 'lr'
        ? { 'keel.feature_means': JSON.stringify(Array.from(this.classifier.featureMeans)) }
        : {};
    return exportOnnx({
      columns: this.card.features,
      preprocessor: this.preprocessor,
      classifier: this.classifier,
      metadata: { 'keel.model_card': JSON.stringify(this.card), ...extra },
      graphName: `keel_${this.card.algo}`,
    });
  }
}

/** The target column as 1 (positive) / 0 (negative); any other value is a typed error naming the row. */
export function targetLabels(table: Table, target: string, positive: string, negative: string): Uint8Array {
  const values = getColumn(table, target);
  const y = new Uint8Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    const text = isMissing(values[i]) ? '' : String(values[i]).trim();
    if (text === positive) y[i] = 1;
    else if (text !== negative) {
      throw new MlError(
        MlErrorCode.InvalidValue,
        `target "${target}" row ${i + 1}: "${text}" is neither "${positive}" nor "${negative}"`,
      );
    }
  }
  return y;
}
