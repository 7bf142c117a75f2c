// The computation of one training job, pure and synchronous: seeded stratified train/validation/test
// split, fit with validation then refit on train + validation (libs/ml), test metrics of the shipped
// model, the champion scored on the same test rows, importances and the model card. Runs in a worker.
import {
  buildModelCard,
  concatRows,
  encodeTarget,
  loadPipeline,
  type Cell,
  type FittedPipeline,
  type Metrics,
  type ModelCardDocument,
  modelImportances,
  permutationImportance,
  Random,
  selectRows,
  stratifiedSplit3,
  summarizeData,
  type Table,
  toTable,
  validateAndRefit,
  type Algo,
} from '@keel/ml';

export const VALIDATION_FRACTION = 0.2;
export const TEST_FRACTION = 0.2;

export interface TrainTaskInput {
  readonly columns: Record<string, Cell[]>;
  readonly target: string;
  readonly idColumn?: string;
  readonly algo: Algo;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  /** The production model's ONNX bytes, scored on the same test rows as the challenger. */
  readonly champion: Uint8Array | null;
}

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface TrainTaskOutput {
  onnx: Uint8Array;
  card: ModelCardDocument;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  metrics: { validation: Record<string, number>; test: Record<string, number> };
  /** The champion on the challenger's test rows (null: no champion, or it cannot score these rows). */
  champion: { test: Record<string, number> } | { error: string } | null;
  series: { key: string; value: number; step: number }[];
  rows: { train: number; validation: number; test: number };
  refitParams: Record<string, unknown>;
}

export interface TaskProgress {
  stage: 'train' | 'refit' | 'evaluate';
  iteration: number;
  total: number;
  validationLoss?: number;
}

/** Metrics as the registry logs them (finite numbers, snake_case). */
export function metricRecord(m: Metrics): Record<string, number> {
  const out: Record<string, number> = {
    auc: m.auc,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    log_loss: m.logLoss,
  };
  for (const k of Object.keys(out)) if (!Number.isFinite(out[k])) delete out[k];
  return out;
}

/** The seeded train/validation/test split every job and every gate re-evaluation uses. */
export function splitTable(
  table: Table,
  target: string,
  seed: number,
): { train: Table; validation: Table; test: Table } {
  const labels = encodeTarget(target, table.columns.get(target) ?? [], undefined).labels;
  const s = stratifiedSplit3(labels, VALIDATION_FRACTION, TEST_FRACTION, new Random(seed).fork());
  return {
    train: selectRows(table, s.train),
    validation: selectRows(table, s.validation),
    test: selectRows(table, s.test),
  };
}

export function signatureOf(pipeline: FittedPipeline): TrainTaskOutput['signature'] {
  return {
    inputs: pipeline.card.features.map((f) => ({
      name: f.name,
      datatype: f.type === 'categorical' ? 'BYTES' : 'FP32',
      shape: [-1, 1],
    })),
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
    ],
  };
}

/** Scores an ONNX model on rows; null error message when it works. */
export function scoreOnnx(bytes: Uint8Array, rows: Table): { test: Record<string, number> } | { error: string } {
  try {
    return { test: metricRecord(loadPipeline(bytes).evaluate(rows)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function runTrainTask(input: TrainTaskInput, onProgress: (p: TaskProgress) => void): TrainTaskOutput {
  const table = toTable(input.columns);
  const { train, validation, test } = splitTable(table, input.target, input.seed);
  const series: TrainTaskOutput['series'] = [];
  const result = validateAndRefit(train, validation, {
    target: input.target,
    idColumn: input.idColumn,
    algo: input.algo,
    seed: input.seed,
    params: input.params,
    onProgress: (p) => {
      if (p.stage === 'train' && p.validationLoss !== undefined)
        series.push({ key: 'validation_loss', value: p.validationLoss, step: p.iteration });
      onProgress({ stage: p.stage, iteration: p.iteration, total: p.total, validationLoss: p.validationLoss });
    },
  });
  onProgress({ stage: 'evaluate', iteration: 0, total: 1 });
  const { pipeline } = result;
  const validationMetrics = metricRecord(result.metrics);
  const testMetrics = metricRecord(pipeline.evaluate(test));
  const permutation = permutationImportance(pipeline, test, { seed: input.seed });
  const card = buildModelCard({
    pipeline,
    metrics: { validation: result.metrics, test: pipeline.evaluate(test) },
    data: summarizeData(pipeline, concatRows(train, validation)),
    importances: { model: modelImportances(pipeline), permutation },
  });
  return {
    onnx: pipeline.toOnnx(),
    card,
    signature: signatureOf(pipeline),
    metrics: { validation: validationMetrics, test: testMetrics },
    champion: input.champion ? scoreOnnx(input.champion, test) : null,
    series,
    rows: { train: train.rows, validation: validation.rows, test: test.rows },
    refitParams: { ...result.refitParams },
  };
}

export interface EvaluateTaskInput {
  readonly columns: Record<string, Cell[]>;
  readonly target: string;
  readonly seed: number;
  readonly challenger: Uint8Array;
  readonly champion: Uint8Array | null;
}

/** Both models on the test rows of a snapshot split with the challenger's seed (the manual gate). */
export function runEvaluateTask(input: EvaluateTaskInput): {
  challenger: ReturnType<typeof scoreOnnx>;
  champion: ReturnType<typeof scoreOnnx> | null;
  rows: number;
} {
  const { test } = splitTable(toTable(input.columns), input.target, input.seed);
  return {
    challenger: scoreOnnx(input.challenger, test),
    champion: input.champion ? scoreOnnx(input.champion, test) : null,
    rows: test.rows,
  };
}

export interface TrialTaskInput {
  readonly columns: Record<string, Cell[]>;
  readonly target: string;
  readonly idColumn?: string;
  readonly algo: Algo;
  readonly params: Record<string, unknown>;
  readonly seed: number;
}

/** One search trial: fit on the job's train rows, metrics on its validation rows (no refit, no test). */
export function runTrialTask(input: TrialTaskInput): { validation: Record<string, number> } {
  const { train, validation } = splitTable(toTable(input.columns), input.target, input.seed);
  const result = validateAndRefit(train, validation, {
    target: input.target,
    idColumn: input.idColumn,
    algo: input.algo,
    seed: input.seed,
    params: input.params,
    refit: false,
  });
  return { validation: metricRecord(result.metrics) };
}
