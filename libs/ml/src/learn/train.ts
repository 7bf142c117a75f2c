// Train with a validation split, then refit: validation rows do their work first (metrics, early
// stopping, the choice between search trials), and the shipped model is refitted on train + validation
// with what validation chose frozen, so it has seen every training row.
import { Random } from '../core';
import { MlError, MlErrorCode } from './errors';
import type { FittedPipeline, ModelCard } from './fitted-pipeline';
import type { Metrics } from './metrics';
import { type FitOptions, type FitProgress, fitWithValidation } from './pipeline';
import { stratifiedSplit } from './split';
import { concatRows, getColumn, selectRows, type Table, type TableInput, toTable } from './table';
import { encodeTarget } from './target';

export type TrainStage = 'train' | 'refit';

export interface TrainOptions extends Omit<FitOptions, 'onProgress'> {
  /** Share of rows held out for validation (trainModel only); default 0.2. */
  readonly validationFraction?: number;
  /** Refit on train + validation after validation (default true); false ships the train-only model. */
  readonly refit?: boolean;
  readonly onProgress?: (progress: FitProgress & { readonly stage: TrainStage }) => void;
}

export interface TrainResult {
  /** The shipped model: refitted on train + validation unless refit was off. */
  readonly pipeline: FittedPipeline;
  /** The model fitted on the train rows only, which the validation metrics describe. */
  readonly candidate: FittedPipeline;
  /** Metrics of the candidate on the held-out validation rows. */
  readonly metrics: Metrics;
  /** The train rows and the validation rows (e.g. for permutation importance of the candidate). */
  readonly train: Table;
  readonly validation: Table;
  readonly trainRows: number;
  readonly validationRows: number;
  /** Whether `pipeline` was refitted on train + validation. */
  readonly refitted: boolean;
  /** Learner parameters the refit used (boosting: the iterations early stopping chose, stopping off). */
  readonly refitParams: Readonly<Record<string, unknown>>;
}

/** Seeded stratified train/validation split of one table, then validateAndRefit. */
export function trainModel(input: TableInput | Table, options: TrainOptions): TrainResult {
  const table = toTable(input);
  const labels = encodeTarget(options.target, getColumn(table, options.target), options.positive).labels;
  const split = stratifiedSplit(labels, options.validationFraction ?? 0.2, new Random(options.seed).fork());
  // The refit sees the rows in their original order, so it is exactly fitPipeline(table, refit options).
  return validateThenRefit(selectRows(table, split.train), selectRows(table, split.test), table, options);
}

/**
 * Fits on `train` (boosting watches `validation` for early stopping), measures on `validation`, then
 * refits on both with the same options and seed and the validated choices frozen (refitOptions).
 */
export function validateAndRefit(
  train: TableInput | Table,
  validation: TableInput | Table,
  options: TrainOptions,
): TrainResult {
  const trainTable = toTable(train);
  const validationTable = toTable(validation);
  return validateThenRefit(trainTable, validationTable, null, options);
}

function validateThenRefit(
  trainTable: Table,
  validationTable: Table,
  all: Table | null,
  options: TrainOptions,
): TrainResult {
  if (validationTable.rows === 0) throw new MlError(MlErrorCode.TooFewRows, 'no validation rows');
  const { onProgress, refit = true, validationFraction: _fraction, ...fit } = options;
  const stage = (name: TrainStage): FitOptions['onProgress'] =>
    onProgress && ((progress) => onProgress({ ...progress, stage: name }));
  const candidate = fitWithValidation(trainTable, { ...fit, onProgress: stage('train') }, validationTable);
  const metrics = candidate.evaluate(validationTable);
  const frozen = refitOptions(fit, candidate.card);
  const pipeline = refit
    ? fitWithValidation(all ?? concatRows(trainTable, validationTable), { ...frozen, onProgress: stage('refit') }, null)
    : candidate;
  return {
    pipeline,
    candidate,
    metrics,
    train: trainTable,
    validation: validationTable,
    trainRows: trainTable.rows,
    validationRows: validationTable.rows,
    refitted: refit,
    refitParams: frozen.params ?? {},
  };
}

/**
 * Options to refit a validated model on more rows: the same options, with what validation chose frozen.
 * For boosting with early stopping that is the number of trees it kept (and stopping off, since no rows
 * are left to watch); other learners refit with their parameters as they were.
 */
export function refitOptions(options: FitOptions, card: ModelCard): FitOptions {
  const params: Record<string, unknown> = { ...(options.params ?? {}) };
  if (card.algo === 'gbdt') {
    params.maxIter = card.iterations;
    params.earlyStopping = false;
  }
  return { ...options, params };
}
