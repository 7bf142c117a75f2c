// Turns one keel.inference.logged payload into columns: one array of raw cells per input tensor and the
// positive-class probability per row (column 1 of the `probabilities` output, as the model signature says).
import type { RawValue } from '@keel/ml';
import { MonitoringError, MonitoringErrorCode } from '../common/monitoring.errors';

export interface LoggedTensor {
  name: string;
  shape: number[];
  data: (number | string | boolean)[];
}

export interface PredictionRows {
  rows: number;
  /** Input name → one cell per row (the last tensor of a name that repeats). */
  inputs: ReadonlyMap<string, ArrayLike<RawValue>>;
  /** The input tensors as logged, in order, when decoded from a log: windows read these directly. */
  tensors?: readonly LoggedTensor[];
  /** P(positive class) per row, or null when the model logged no `probabilities` output. */
  positive: ArrayLike<number> | null;
}

// The name → column map is only built if asked for: a drift window reads the tensors in place.
class LoggedRows implements PredictionRows {
  private byName?: Map<string, ArrayLike<RawValue>>;

  constructor(
    readonly rows: number,
    readonly tensors: readonly LoggedTensor[],
    readonly positive: ArrayLike<number> | null,
  ) {}

  get inputs(): ReadonlyMap<string, ArrayLike<RawValue>> {
    if (!this.byName) {
      this.byName = new Map();
      for (let i = 0; i < this.tensors.length; i++) this.byName.set(this.tensors[i]!.name, this.tensors[i]!.data);
    }
    return this.byName;
  }
}

export const PROBABILITIES_OUTPUT = 'probabilities';

function bad(message: string, field: string): MonitoringError {
  return new MonitoringError(MonitoringErrorCode.InvalidPredictionLog, message, field);
}

/**
 * Rows of a tensor: its first dimension, which must agree with the data length for [n] and [n, 1]. The
 * error's field is only spelt out when there is an error (`inputs.<i>` or `outputs.<i>`): this runs for
 * every tensor of every logged request.
 */
function rowsOf(t: LoggedTensor, width: number, side: 'inputs' | 'outputs', index: number): number {
  const n = t.shape[0] ?? t.data.length;
  if (!Number.isInteger(n) || n < 0) throw bad(`tensor "${t.name}" has no row count in shape`, `${side}.${index}`);
  if (n * width !== t.data.length)
    throw bad(
      `tensor "${t.name}" holds ${t.data.length} values, shape [${t.shape.join(', ')}] says ${n * width}`,
      `${side}.${index}`,
    );
  return n;
}

export function decodePredictions(inputs: LoggedTensor[], outputs: LoggedTensor[]): PredictionRows {
  let rows = -1;
  // A plain loop without per-tensor arrays or closures: this runs for every input of every logged request.
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    let width = 1;
    for (let d = 1; d < t.shape.length; d++) width *= t.shape[d]!;
    if (width !== 1) throw bad(`input "${t.name}" must have one value per row (shape [n, 1])`, `inputs.${i}.shape`);
    const n = rowsOf(t, 1, 'inputs', i);
    if (rows >= 0 && n !== rows) throw bad(`input "${t.name}" has ${n} rows, others have ${rows}`, `inputs.${i}`);
    rows = n;
  }
  // A plain array of doubles: a typed array per logged request costs an ArrayBuffer each.
  let positive: number[] | null = null;
  let probaIndex = 0;
  while (probaIndex < outputs.length && outputs[probaIndex]!.name !== PROBABILITIES_OUTPUT) probaIndex++;
  if (probaIndex < outputs.length) {
    const proba = outputs[probaIndex]!;
    const width = proba.shape[1] ?? 1;
    if (width < 2) throw bad('output "probabilities" must have two columns (shape [n, 2])', `outputs.${probaIndex}`);
    const n = rowsOf(proba, width, 'outputs', probaIndex);
    if (rows >= 0 && n !== rows)
      throw bad(`output "probabilities" has ${n} rows, inputs have ${rows}`, `outputs.${probaIndex}`);
    rows = n;
    positive = [];
    for (let r = 0; r < n; r++) {
      const p = proba.data[r * width + 1];
      positive.push(typeof p === 'number' ? p : Number(p));
    }
  }
  return new LoggedRows(Math.max(rows, 0), inputs, positive);
}
