// `keel train`: train one learner on a CSV (holding out stratified validation rows for metrics and early
// stopping), refit it on every row, write the ONNX model (and, if asked, its model card) and print the
// validation metrics. The computation is libs/ml; this file only does the I/O.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  buildModelCard,
  concatRows,
  csvColumns,
  type Metrics,
  type ModelCardDocument,
  modelImportances,
  parseCsv,
  permutationImportance,
  summarizeData,
  toTable,
  trainModel,
  type TrainResult,
} from '@keel/ml';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { parseTrainFlags, type TrainFlags, type TrainOptions } from './train-options';

export const registerTrain: RegisterCommand = (program: Command) => {
  program
    .command('train')
    .description('train a binary classifier on a CSV file and export it as ONNX')
    .requiredOption('--data <file.csv>', 'training data, CSV with a header row')
    .requiredOption('--target <column>', 'the column to predict (two classes)')
    .option('--id-column <column>', 'a row identifier, not used as a feature')
    .option('--positive <value>', 'the positive class (default: 1, true or yes in any case)')
    .requiredOption('--algo <lr|rf|gbdt>', 'logistic regression, random forest or gradient boosting')
    .requiredOption('--seed <n>', 'seed for every random choice (same seed, same data: same model bytes)')
    .requiredOption('--out <model.onnx>', 'where to write the ONNX model')
    .option('--params <json>', 'learner parameters as a JSON object, e.g. {"nTrees":200}')
    .option('--column-types <json>', 'column types instead of inferred ones, e.g. {"CityTier":"categorical"}')
    .option('--validation-fraction <f>', 'share of rows held out for validation metrics', '0.2')
    .option('--no-refit', 'ship the model fitted on the train rows only (default: refit on every row)')
    .option('--min-frequency <n>', 'categories seen fewer times (or a fraction of rows) share one "other" column')
    .option('--max-categories <n>', 'at most this many one-hot columns per categorical column, "other" included')
    .option('--card <card.json>', 'also write the model card: params, seed, metrics, data summary, importances')
    .action((flags: TrainFlags) => {
      const options = parseTrainFlags(flags);
      const result = runTrain(options);
      process.stdout.write(formatReport(options, result));
    });
};

export function runTrain(options: TrainOptions): TrainResult {
  const table = toTable(csvColumns(parseCsv(readFileSync(options.data, 'utf8'))));
  const result = trainModel(table, {
    target: options.target,
    idColumn: options.idColumn,
    positive: options.positive,
    algo: options.algo,
    seed: options.seed,
    params: options.params,
    columnTypes: options.columnTypes,
    validationFraction: options.validationFraction,
    refit: options.refit,
    minFrequency: options.minFrequency,
    maxCategories: options.maxCategories,
  });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, result.pipeline.toOnnx());
  if (options.card !== undefined) {
    mkdirSync(dirname(options.card), { recursive: true });
    writeFileSync(options.card, `${JSON.stringify(modelCard(result, options.seed), null, 2)}\n`);
  }
  return result;
}

/**
 * The card of the shipped model, with the validation metrics and permutation importances of the model
 * fitted on the train rows (the refitted one has seen the validation rows).
 */
function modelCard(result: TrainResult, seed: number): ModelCardDocument {
  const { pipeline, candidate, train, validation } = result;
  return buildModelCard({
    pipeline,
    metrics: { validation: result.metrics },
    data: summarizeData(pipeline, result.refitted ? concatRows(train, validation) : train),
    importances: {
      model: modelImportances(pipeline),
      permutation: permutationImportance(candidate, validation, { seed }),
    },
  });
}

export function formatReport(options: TrainOptions, result: TrainResult): string {
  const m: Metrics = result.metrics;
  const card = result.pipeline.card;
  const lines = [
    `model        ${options.out}`,
    `algo         ${card.algo} (seed ${card.seed}, ${card.iterations} ${card.algo === 'lr' ? 'iterations' : 'trees'})`,
    `target       ${card.target} (positive "${card.positive}", negative "${card.negative}")`,
    `features     ${card.features.length} columns -> ${card.featureNames.length} encoded features`,
    `rows         ${result.trainRows} train, ${result.validationRows} validation`,
    result.refitted
      ? `refit        on all ${card.trainingRows} rows (train + validation) after validation`
      : `refit        off: the model saw the ${card.trainingRows} train rows only`,
    ...(options.card !== undefined ? [`card         ${options.card}`] : []),
    'validation metrics:',
    `  auc        ${m.auc.toFixed(4)}`,
    `  accuracy   ${m.accuracy.toFixed(4)}`,
    `  precision  ${m.precision.toFixed(4)}`,
    `  recall     ${m.recall.toFixed(4)}`,
    `  f1         ${m.f1.toFixed(4)}`,
    `  log_loss   ${m.logLoss.toFixed(4)}`,
    `  confusion  tn=${m.confusion.tn} fp=${m.confusion.fp} fn=${m.confusion.fn} tp=${m.confusion.tp}`,
  ];
  return `${lines.join('\n')}\n`;
}
