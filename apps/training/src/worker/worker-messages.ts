import type { EvaluateTaskInput, TaskProgress, TrainTaskOutput, TrialTaskInput } from './train-task';
import type { runEvaluateTask } from './train-task';

export type WorkerRequest =
  | {
      kind: 'train';
      parquet: Uint8Array;
      target: string;
      idColumn?: string;
      algo: string;
      params: Record<string, unknown>;
      seed: number;
      champion: Uint8Array | null;
    }
  | ({ kind: 'evaluate'; parquet: Uint8Array } & Omit<EvaluateTaskInput, 'columns'>)
  | ({ kind: 'trial'; parquet: Uint8Array } & Omit<TrialTaskInput, 'columns'>);

/** What a worker thread starts with: the task and the nice steps it lowers itself by. */
export type WorkerData = WorkerRequest & { nice: number };

export type WorkerMessage =
  | { kind: 'progress'; progress: TaskProgress }
  | { kind: 'trained'; output: TrainTaskOutput }
  | { kind: 'evaluated'; output: ReturnType<typeof runEvaluateTask> }
  | { kind: 'tried'; output: { validation: Record<string, number> } }
  | { kind: 'error'; name: string; code: string; message: string };
