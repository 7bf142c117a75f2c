// The public entry point: fit preprocessing + one learner on a table, score tables with the same float32
// arithmetic as the exported ONNX graph, evaluate, and export. Training the same table with the same
// options and seed gives a byte-identical model.
import { Random } from '../core';
import { applyBinning, fitBinning } from './binning';
import { MlError, MlErrorCode } from './errors';
import { fitForest, type ForestParams } from './forest';
import { fitGbdt, type GbdtParams } from './gbdt';
import { fitLogistic, type LogisticParams, logisticMargin, sigmoid } from './logistic';
import { computeMetrics, type Metrics } from './metrics';
import { type Classifier, exportOnnx } from './onnx-export';
import { type Algo, type AnyParams, resolveParams } from './params';
import { type FeatureColumn, fitPreprocessor, type Preprocessor, readNumeric, transform } from './preprocess';
import { type ColumnType, isMissing, scanColumn } from './schema';
import { stratifiedSplit } from './split';
import { type ColumnValues, getColumn, selectRows, type Table, type TableInput, toTable } from './table';
import { encodeTarget } from './target';
import { sumTrees } from './tree';

export interface FitOptions {
  readonly target: string;
  readonly algo: Algo;
  readonly seed: number;
  /** A row identifier, never used as a feature. */
  readonly idColumn?: string;
  /** The positive class; default: the class spelled 1, true or yes (any case). */
  readonly positive?: string;
  /** Feature columns to use; default: every column but the target and the id. */
  readonly features?: readonly string[];
  /** Column types to use instead of inferring them. */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** What the registry stores beside the model: enough to reproduce and to feed it. */
export interface ModelCard {
  readonly algo: Algo;
  readonly target: string;
  readonly positive: string;
  readonly negative: string;
  readonly seed: number;
  readonly params: AnyParams;
  readonly features: readonly FeatureColumn[];
  readonly featureNames: readonly string[];
  readonly trainingRows: number;
  /** Newton iterations (lr) or trees built (rf, gbdt: fewer than maxIter when early stopping fired). */
  readonly iterations: number;
}

export interface FittedPipeline {
  readonly card: ModelCard;
  readonly preprocessor: Preprocessor;
  /** P(positive class) per row. */
  predictProba(table: TableInput | Table): Float64Array;
  /** 1 where P(positive) > 0.5, as the ONNX `label` output. */
  predict(table: TableInput | Table): Uint8Array;
  /** Metrics against the target column of `table`. */
  evaluate(table: TableInput | Table): Metrics;
  toOnnx(): Uint8Array;
}

export function fitPipeline(input: TableInput | Table, options: FitOptions): FittedPipeline {
  const table = toTable(input);
  if (!Number.isInteger(options.seed))
    throw new MlError(MlErrorCode.InvalidParams, `seed must be an integer, got ${options.seed}`);
  const params = resolveParams(options.algo, options.params);
  const target = encodeTarget(options.target, getColumn(table, options.target), options.positive);
  const { columns, parsed } = featureColumns(table, options);
  const random = new Random(options.seed);
  const preprocessor = fitPreprocessor(parsed, columns, options.algo === 'lr');
  const x = transform(preprocessor, parsed);
  let classifier: Classifier;
  switch (options.algo) {
    case 'lr':
      classifier = { kind: 'lr', model: fitLogistic(x, target.labels, params as LogisticParams) };
      break;
    case 'rf': {
      const p = params as ForestParams;
      const binning = fitBinning(x, p.maxBins, random.fork());
      classifier = { kind: 'rf', trees: fitForest(applyBinning(binning, x), binning, target.labels, p, random.fork()) };
      break;
    }
    case 'gbdt': {
      const p = params as GbdtParams;
      const binning = fitBinning(x, p.maxBins, random.fork());
      classifier = { kind: 'gbdt', model: fitGbdt(applyBinning(binning, x), binning, target.labels, p, random.fork()) };
      break;
    }
  }
  const card: ModelCard = {
    algo: options.algo,
    target: options.target,
    positive: target.positive,
    negative: target.negative,
    seed: options.seed,
    params,
    features: columns,
    featureNames: preprocessor.featureNames,
    trainingRows: table.rows,
    iterations: iterationsOf(classifier),
  };
  return new Pipeline(card, preprocessor, classifier);
}

export interface TrainResult {
  readonly pipeline: FittedPipeline;
  /** Metrics on the held-out validation rows. */
  readonly metrics: Metrics;
  readonly trainRows: number;
  readonly validationRows: number;
}

/** Stratified train/validation split (seeded), fit on the train rows, evaluate on the validation rows. */
export function trainModel(
  input: TableInput | Table,
  options: FitOptions & { readonly validationFraction?: number },
): TrainResult {
  const table = toTable(input);
  const labels = encodeTarget(options.target, getColumn(table, options.target), options.positive).labels;
  const split = stratifiedSplit(labels, options.validationFraction ?? 0.2, new Random(options.seed).fork());
  const validation = selectRows(table, split.test);
  const pipeline = fitPipeline(selectRows(table, split.train), options);
  return {
    pipeline,
    metrics: pipeline.evaluate(validation),
    trainRows: split.train.length,
    validationRows: split.test.length,
  };
}

class Pipeline implements FittedPipeline {
  constructor(
    readonly card: ModelCard,
    readonly preprocessor: Preprocessor,
    private readonly classifier: Classifier,
  ) {}

  predictProba(input: TableInput | Table): Float64Array {
    const x = transform(this.preprocessor, toTable(input));
    switch (this.classifier.kind) {
      case 'lr':
        return logisticMargin(this.classifier.model, x).map(sigmoid);
      case 'rf':
        return sumTrees(this.classifier.trees, x, 0).map((p) => Math.min(Math.max(p, 0), 1));
      case 'gbdt':
        return sumTrees(this.classifier.model.trees, x, this.classifier.model.base).map(sigmoid);
    }
  }

  predict(input: TableInput | Table): Uint8Array {
    return Uint8Array.from(this.predictProba(input), (p) => (p > 0.5 ? 1 : 0));
  }

  evaluate(input: TableInput | Table): Metrics {
    const table = toTable(input);
    const values = getColumn(table, this.card.target);
    const y = new Uint8Array(table.rows);
    for (let i = 0; i < table.rows; i++) {
      const text = isMissing(values[i]) ? '' : String(values[i]).trim();
      if (text === this.card.positive) y[i] = 1;
      else if (text !== this.card.negative) {
        throw new MlError(
          MlErrorCode.InvalidValue,
          `target "${this.card.target}" row ${i + 1}: "${text}" is neither "${this.card.positive}" nor "${this.card.negative}"`,
        );
      }
    }
    return computeMetrics(y, this.predictProba(table));
  }

  toOnnx(): Uint8Array {
    return exportOnnx({
      columns: this.card.features,
      preprocessor: this.preprocessor,
      classifier: this.classifier,
      metadata: { 'keel.model_card': JSON.stringify(this.card) },
      graphName: `keel_${this.card.algo}`,
    });
  }
}

function iterationsOf(classifier: Classifier): number {
  switch (classifier.kind) {
    case 'lr':
      return classifier.model.iterations;
    case 'rf':
      return classifier.trees.length;
    case 'gbdt':
      return classifier.model.trees.length;
  }
}

/** The feature columns with their types, and a table of them with numeric columns parsed once. */
function featureColumns(table: Table, options: FitOptions): { columns: FeatureColumn[]; parsed: Table } {
  const excluded = new Set([options.target, ...(options.idColumn !== undefined ? [options.idColumn] : [])]);
  if (options.idColumn !== undefined) getColumn(table, options.idColumn);
  const names = options.features ?? [...table.columns.keys()].filter((name) => !excluded.has(name));
  for (const name of names) {
    if (excluded.has(name))
      throw new MlError(MlErrorCode.InvalidParams, `column "${name}" is the target or id and cannot be a feature`);
  }
  if (names.length === 0)
    throw new MlError(MlErrorCode.NoFeatures, 'no feature columns: the table has only the target and id');
  const columns: FeatureColumn[] = [];
  const parsed = new Map<string, ColumnValues>();
  for (const name of names) {
    const values = getColumn(table, name);
    const given = options.columnTypes?.[name];
    const scan = given === undefined ? scanColumn(name, values) : { type: given, numeric: null };
    columns.push({ name, type: scan.type });
    if (scan.type === 'categorical') parsed.set(name, values);
    else parsed.set(name, scan.numeric ?? readNumeric(table, name, scan.type));
  }
  return { columns, parsed: { columns: parsed, rows: table.rows } };
}
