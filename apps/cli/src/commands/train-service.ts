// `keel train --dataset <name> [--version v] --algo lr|rf|gbdt --seed n --model <name> [--params json]
// [--wait] [--json]` submits a job to the training service; `--wait` follows it (progress bar on a
// terminal) to the registered model version. `keel train policy <dataset> ...` sets automatic training.
import type { trainingV1 } from '@keel/contracts';
import type { Command } from 'commander';
import { usageError } from './monitoring-client';
import { withTraining } from './train-client';
import { ALGO_FLAGS, type JobItem, jobDetails, jobItem, progressBar } from './train-jobs';

export interface ServiceTrainFlags {
  dataset: string;
  version?: string;
  algo: string;
  seed: string;
  model?: string;
  params?: string;
  target?: string;
  search?: string;
  wait?: boolean;
  json?: boolean;
}

function intFlag(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usageError(`${flag} must be an integer in ${min}..${max}, got "${text}"`);
  return n;
}

export function parseServiceTrain(f: ServiceTrainFlags): trainingV1.SubmitJobRequest {
  const algorithm = ALGO_FLAGS[f.algo];
  if (!algorithm) throw usageError(`--algo must be one of lr, rf, gbdt, got "${f.algo}"`);
  if (!f.model) throw usageError('--model <name> is required with --dataset');
  if (f.params !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(f.params);
    } catch {
      throw usageError(`--params must be a JSON object, got ${f.params}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw usageError(`--params must be a JSON object, got ${f.params}`);
  }
  return {
    dataset: f.dataset,
    datasetVersion: f.version === undefined ? 0 : intFlag('--version', f.version, 1, 2 ** 31 - 1),
    algorithm,
    paramsJson: f.params ?? '{}',
    seed: intFlag('--seed', f.seed, 0, 0xffffffff),
    model: f.model,
    target: f.target ?? '',
    searchJson: f.search ?? '',
  };
}

export async function runServiceTrain(f: ServiceTrainFlags): Promise<void> {
  const req = parseServiceTrain(f);
  const submitted = await withTraining((c) => c.jobs.SubmitJob(req));
  if (!f.wait) {
    if (f.json) process.stdout.write(`${JSON.stringify(jobItem(submitted), null, 2)}\n`);
    else process.stdout.write(`submitted job ${submitted.id} (${req.model} on ${req.dataset})\n`);
    return;
  }
  const final = await watchJob(submitted.id, !f.json && process.stderr.isTTY === true);
  if (f.json) process.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
  else process.stdout.write(jobDetails(final));
  if (final.state !== 'succeeded') process.exitCode = 1;
}

/** Follows a job over the WatchJob stream until it ends; draws a progress bar on a terminal. */
export function watchJob(id: string, tty: boolean): Promise<JobItem> {
  return withTraining(
    (c) =>
      new Promise<JobItem>((resolve, reject) => {
        let last: JobItem | null = null;
        const call = c.jobs.raw.WatchJob({ id });
        call.on('data', (j: trainingV1.Job__Output) => {
          last = jobItem(j);
          if (tty) process.stderr.write(`\r${progressBar(last).padEnd(70)}`);
        });
        call.on('error', reject);
        call.on('end', () => {
          if (tty) process.stderr.write('\n');
          if (last) resolve(last);
          else reject(new Error(`job ${id}: the watch ended without news`));
        });
      }),
  );
}

export function registerTrainPolicy(train: Command): void {
  train
    .command('policy <dataset>')
    .description('train every new snapshot of <dataset> automatically (keel.dataset.snapshotted)')
    .requiredOption('--model <name>', 'model to register the versions under')
    .requiredOption('--algo <lr|rf|gbdt>', 'learner')
    .option('--seed <n>', 'seed', '0')
    .option('--params <json>', 'learner parameters as a JSON object', '{}')
    .option('--target <column>', "column to predict (default: the dataset's target)")
    .option('--disable', 'keep the policy but stop training new snapshots')
    .option('--json', 'print the policy as JSON')
    .action(async (dataset: string, o: ServiceTrainFlags & { disable?: boolean }) => {
      const req = parseServiceTrain({ ...o, dataset });
      const p = await withTraining((c) =>
        c.jobs.SetTrainingPolicy({
          dataset,
          model: req.model,
          algorithm: req.algorithm,
          paramsJson: req.paramsJson,
          seed: req.seed,
          target: req.target,
          enabled: !o.disable,
        }),
      );
      const item = {
        dataset: p.dataset,
        model: p.model,
        algo: p.algorithm.replace('ALGORITHM_', '').toLowerCase(),
        params: JSON.parse(p.paramsJson || '{}') as unknown,
        seed: p.seed,
        target: p.target || null,
        enabled: p.enabled,
      };
      if (o.json) process.stdout.write(`${JSON.stringify(item, null, 2)}\n`);
      else
        process.stdout.write(
          `policy for ${item.dataset}: ${item.enabled ? 'train' : 'disabled:'} ${item.algo} seed ${item.seed} -> model ${item.model}\n`,
        );
    });
}
