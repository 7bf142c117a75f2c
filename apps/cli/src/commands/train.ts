// `keel train`: train one learner on a CSV (holding out stratified validation rows), write the ONNX model
// and print its validation metrics. The computation is libs/ml; this file only does the I/O.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { csvColumns, parseCsv, trainModel, type Metrics, type TrainResult } from '@keel/ml';
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
    .action((flags: TrainFlags) => {
      const options = parseTrainFlags(flags);
      const result = runTrain(options);
      process.stdout.write(formatReport(options, result));
    });
};

export function runTrain(options: TrainOptions): TrainResult {
  const table = csvColumns(parseCsv(readFileSync(options.data, 'utf8')));
  const result = trainModel(table, {
    target: options.target,
    idColumn: options.idColumn,
    positive: options.positive,
    algo: options.algo,
    seed: options.seed,
    params: options.params,
    columnTypes: options.columnTypes,
    validationFraction: options.validationFraction,
  });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, result.pipeline.toOnnx());
  return result;
}

export function formatReport(options: TrainOptions, result: TrainResult): string {
  const m: Metrics = result.metrics;
  const card = result.pipeline.card;
  const lines = [
    `model        ${options.out}`,
    `algo         ${card.algo} (seed ${card.seed})`,
    `target       ${card.target} (positive "${card.positive}", negative "${card.negative}")`,
    `features     ${card.features.length} columns -> ${card.featureNames.length} encoded features`,
    `rows         ${result.trainRows} train, ${result.validationRows} validation`,
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
