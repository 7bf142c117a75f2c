// `keel jobs list [--dataset d] [--model m] [--state s] [--limit n] [--json]`, `keel jobs show <id>
// [--json]`, `keel jobs cancel <id> [--json]`: training jobs of the training service.
import type { trainingV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { usageError } from './monitoring-client';
import { withTraining } from './train-client';
import { jobDetails, jobItem, table } from './train-jobs';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

const print = (json: boolean | undefined, value: unknown, text: string): void => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
};

export const registerJobs: RegisterCommand = (program: Command) => {
  const jobs = program.command('jobs').description('training jobs: list, show, cancel');
  jobs
    .command('list')
    .description('training jobs, newest first')
    .option('--dataset <name>', 'only jobs on this dataset')
    .option('--model <name>', 'only jobs for this model')
    .option('--state <state>', `only jobs in this state (${STATES.join(', ')})`)
    .option('--limit <n>', 'at most this many (1-1000)', '100')
    .option('--json', 'print a JSON array of jobs (fields in docs/cli.md)')
    .action(async (o: { dataset?: string; model?: string; state?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit must be 1 to 1000');
      if (o.state && !STATES.includes(o.state)) throw usageError(`--state must be one of ${STATES.join(', ')}`);
      const res = await withTraining((c) =>
        c.jobs.ListJobs({
          dataset: o.dataset ?? '',
          model: o.model ?? '',
          state: o.state ? (`JOB_STATE_${o.state.toUpperCase()}` as trainingV1.JobState) : 'JOB_STATE_UNSPECIFIED',
          page: { pageSize: limit },
        }),
      );
      const items = res.jobs.map(jobItem);
      print(
        o.json,
        items,
        items.length === 0
          ? 'no jobs\n'
          : table(
              ['CREATED', 'ID', 'STATE', 'MODEL', 'DATASET', 'ALGO', 'VERSION', 'TEST AUC'],
              items.map((j) => [
                j.createdAt,
                j.id,
                j.state,
                j.model,
                `${j.dataset}${j.datasetVersion ? ` v${j.datasetVersion}` : ''}`,
                j.algo,
                j.modelVersion ? `v${j.modelVersion}` : '-',
                j.metrics?.test.auc !== undefined ? j.metrics.test.auc.toFixed(4) : '-',
              ]),
            ),
      );
    });
  jobs
    .command('show <id>')
    .description('one job: state, progress, metrics, gate decision')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const j = jobItem(await withTraining((c) => c.jobs.GetJob({ id })));
      print(o.json, j, jobDetails(j));
    });
  jobs
    .command('cancel <id>')
    .description('cancel a queued or running job (its worker stops within a second)')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const j = jobItem(await withTraining((c) => c.jobs.CancelJob({ id })));
      print(o.json, j, `job ${j.id}: ${j.state}\n`);
    });
};
