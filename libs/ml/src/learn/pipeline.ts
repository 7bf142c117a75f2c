// The public entry point: fit preprocessing + one learner on a table. The fitted model scores tables with
// the same float32 arithmetic as the exported ONNX graph (fitted-pipeline.ts). Training the same table
// with the same options and seed gives a byte-identical model.
import { Random } from '../core';
import { applyBinning, fitBinning } from './binning';
import { MlError, MlErrorCode } from './errors';
import { type FittedPipeline, type ModelCard, Pipeline, targetLabels } from './fitted-pipeline';
import { fitForest, type ForestParams } from './forest';
import { fitGbdt, type GbdtParams } from './gbdt';
import { fitLogistic, type LogisticParams } from './logistic';
import type { Classifier } from './onnx-export';
import { type Algo, resolveParams } from './params';
import {
  type EncodingOptions,
  type FeatureColumn,
  type FeatureMatrix,
  fitPreprocessor,
  readNumeric,
  transform,
} from './preprocess';
import { type ColumnType, scanColumn } from './schema';
import { type ColumnValues, getColumn, type Table, type TableInput, toTable } from './table';
import { encodeTarget } from './target';

/** Progress of one fit: trees built (rf, gbdt); the validation log loss when boosting watches one. */
export interface FitProgress {
  readonly iteration: number;
  readonly total: number;
  readonly validationLoss?: number;
}

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
  /** Infrequent categories share the "other" one-hot column (scikit-learn's min_frequency). */
  readonly minFrequency?: number;
  /** At most this many one-hot columns per categorical column, "other" included (max_categories). */
  readonly maxCategories?: number;
  /** Called after each tree; throwing from it stops the fit (the error propagates). */
  readonly onProgress?: (progress: FitProgress) => void;
}

export function fitPipeline(input: TableInput | Table, options: FitOptions): FittedPipeline {
  return fitWithValidation(toTable(input), options, null);
}

/**
 * Fits on `table`; a boosting learner with early stopping on watches `validation` instead of splitting
 * off its own rows.
 */
export function fitWithValidation(table: Table, options: FitOptions, validation: Table | null): FittedPipeline {
  if (!Number.isInteger(options.seed))
    throw new MlError(MlErrorCode.InvalidParams, `seed must be an integer, got ${options.seed}`);
  const params = resolveParams(options.algo, options.params);
  const target = encodeTarget(options.target, getColumn(table, options.target), options.positive);
  const { columns, parsed } = featureColumns(table, options);
  const random = new Random(options.seed);
  const encoding: EncodingOptions = { minFrequency: options.minFrequency, maxCategories: options.maxCategories };
  const linear = options.algo === 'lr';
  const preprocessor = fitPreprocessor(parsed, columns, {
    standardise: linear,
    missing: linear ? 'impute' : 'native',
    encoding,
  });
  const x = transform(preprocessor, parsed);
  const progress = options.onProgress;
  let classifier: Classifier;
  switch (options.algo) {
    case 'lr': {
      const model = fitLogistic(x, target.labels, params as LogisticParams);
      classifier = { kind: 'lr', model, featureMeans: columnMeans(x) };
      break;
    }
    case 'rf': {
      const p = params as ForestParams;
      const binning = fitBinning(x, p.maxBins, random.fork());
      const onTree = progress && ((built: number) => progress({ iteration: built, total: p.nTrees }));
      const trees = fitForest(applyBinning(binning, x), binning, target.labels, p, random.fork(), onTree);
      classifier = { kind: 'rf', trees };
      break;
    }
    case 'gbdt': {
      const p = params as GbdtParams;
      const binning = fitBinning(x, p.maxBins, random.fork());
      const watch =
        validation === null
          ? undefined
          : {
              x: applyBinning(binning, transform(preprocessor, validation)),
              y: targetLabels(validation, options.target, target.positive, target.negative),
            };
      const onTree =
        progress &&
        ((built: number, loss: number | undefined) =>
          progress({ iteration: built, total: p.maxIter, validationLoss: loss }));
      const model = fitGbdt(applyBinning(binning, x), binning, target.labels, p, random.fork(), watch, onTree);
      classifier = { kind: 'gbdt', model };
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
    encoding: { minFrequency: options.minFrequency ?? null, maxCategories: options.maxCategories ?? null },
    missing: preprocessor.missing,
    features: columns,
    featureNames: preprocessor.featureNames,
    trainingRows: table.rows,
    iterations: iterationsOf(classifier),
    ...(classifier.kind === 'lr' ? { solver: classifier.model.solver } : {}),
  };
  return new Pipeline(card, preprocessor, classifier);
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

/** Per encoded feature, its mean over the training rows (the baseline of linear explanations). */
function columnMeans(x: FeatureMatrix): Float32Array {
  const means = new Float32Array(x.cols);
  for (let f = 0; f < x.cols; f++) {
    let sum = 0;
    for (let i = 0, off = f * x.rows; i < x.rows; i++) sum += x.data[off + i];
    means[f] = sum / x.rows;
  }
  return means;
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
