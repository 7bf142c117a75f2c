// Worker thread entry: decodes the snapshot and runs one train or evaluate task, posting progress.
// Loaded by worker-pool.ts; never imported.
import { parentPort, workerData } from 'node:worker_threads';
import type { Algo } from '@keel/ml';
import { readParquetColumns } from './parquet-reader';
import { lowerThreadPriority } from './thread-priority';
import { runEvaluateTask, runTrainTask, runTrialTask } from './train-task';
import type { WorkerData, WorkerMessage } from './worker-messages';

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(m, transfer);

async function main(req: WorkerData): Promise<void> {
  // The service's event loop runs first when both want a core (thread-priority.ts).
  if (req.nice > 0) lowerThreadPriority(req.nice);
  const columns = await readParquetColumns(req.parquet);
  if (req.kind === 'train') {
    const output = runTrainTask(
      {
        columns,
        target: req.target,
        idColumn: req.idColumn,
        algo: req.algo as Algo,
        params: req.params,
        seed: req.seed,
        champion: req.champion,
      },
      (progress) => post({ kind: 'progress', progress }),
    );
    post({ kind: 'trained', output });
  } else if (req.kind === 'trial') {
    const { parquet: _bytes, kind: _kind, ...rest } = req;
    post({ kind: 'tried', output: runTrialTask({ ...rest, columns }) });
  } else {
    post({
      kind: 'evaluated',
      output: runEvaluateTask({
        columns,
        target: req.target,
        seed: req.seed,
        challenger: req.challenger,
        champion: req.champion,
      }),
    });
  }
}

main(workerData as WorkerData).catch((err: Error) =>
  post({ kind: 'error', name: err.name, code: (err as { code?: string }).code ?? '', message: err.message }),
);
