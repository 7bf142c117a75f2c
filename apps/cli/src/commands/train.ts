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
import { parseTrainFlags, type TrainFlags, type TrainOptions, TrainUsageError } from './train-options';
import { registerTrainPolicy, runServiceTrain, type ServiceTrainFlags } from './train-service';

export const registerTrain: RegisterCommand = (program: Command) => {
  const train = program
    .command('train')
    .description(
      'train a binary classifier: on a CSV file here (--data, exports ONNX), or on a dataset version by the ' +
        'training service (--dataset, registers a model version)',
    )
    .option('--data <file.csv>', 'local training data, CSV with a header row')
    .option('--dataset <name>', 'train on this registry dataset with the training service')
    .option('--version <v>', 'dataset version (--dataset; default: the latest)')
    .option('--model <name>', 'model to register the version under (--dataset)')
    .option(
      '--search <json>',
      'hyperparameter search (--dataset): {"strategy":"grid"|"random","space":{"C":[0.1,1]},"budget":8}',
    )
    .option('--wait', 'follow the job to its end and print the registered version (--dataset)')
    .option('--json', 'print the job as JSON (--dataset; fields in docs/cli.md)')
    .option('--target <column>', 'the column to predict (two classes); --dataset defaults to its declared target')
    .option('--id-column <column>', 'a row identifier, not used as a feature')
    .option('--positive <value>', 'the positive class (default: 1, true or yes in any case)')
    .requiredOption('--algo <lr|rf|gbdt>', 'logistic regression, random forest or gradient boosting')
    .requiredOption('--seed <n>', 'seed for every random choice (same seed, same data: same model bytes)')
    .option('--out <model.onnx>', 'where to write the ONNX model (--data)')
    .option('--params <json>', 'learner parameters as a JSON object, e.g. {"nTrees":200}')
    .option('--column-types <json>', 'column types instead of inferred ones, e.g. {"CityTier":"categorical"}')
    .option('--validation-fraction <f>', 'share of rows held out for validation metrics', '0.2')
    .option('--no-refit', 'ship the model fitted on the train rows only (default: refit on every row)')
    .option('--min-frequency <n>', 'categories seen fewer times (or a fraction of rows) share one "other" column')
    .option('--max-categories <n>', 'at most this many one-hot columns per categorical column, "other" included')
    .option('--card <card.json>', 'also write the model card: params, seed, metrics, data summary, importances')
    .action(async (flags: TrainFlags & ServiceTrainFlags) => {
      if (flags.dataset !== undefined) {
        if (flags.data !== undefined) throw new TrainUsageError('give either --data (local) or --dataset, not both');
        return runServiceTrain(flags);
      }
      for (const [flag, value] of [
        ['--data', flags.data],
        ['--target', flags.target],
        ['--out', flags.out],
      ] as const) {
        if (value === undefined)
          throw new TrainUsageError(`required option '${flag}' not specified (or use --dataset)`);
      }
      const options = parseTrainFlags(flags);
      const result = runTrain(options);
      process.stdout.write(formatReport(options, result));
    });
  registerTrainPolicy(train);
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
