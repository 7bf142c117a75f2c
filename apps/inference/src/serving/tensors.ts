// The request-side tensor model shared by the gRPC and REST adapters: a validated request holds one
// column per model input (rows along the first dimension), ready to be merged into a batch.
export type Datatype = 'BOOL' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP32' | 'FP64' | 'BYTES';

export const DATATYPES: readonly Datatype[] = ['BOOL', 'INT8', 'INT16', 'INT32', 'INT64', 'FP32', 'FP64', 'BYTES'];

export interface TensorSpec {
  name: string;
  datatype: Datatype;
  /** -1 marks a variable dimension; the first one is the batch (rows). */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** Elements of one tensor: typed arrays for numbers, strings for BYTES. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[];

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** A decoded, validated request: one tensor per model input, in the signature's order. */
export interface InferRequest {
  id: string;
  rows: number;
  inputs: Tensor[];
  /** Output names asked for (empty: all). */
  outputs: string[];
  /** Outputs returned as raw bytes (binary_data). */
  rawOutputs: boolean;
  explain: boolean;
}

export interface InferResult {
  model: string;
  version: number;
  id: string;
  outputs: Tensor[];
}

/** An empty typed container of a datatype with n elements. */
export function allocate(datatype: Datatype, n: number): TensorData {
  switch (datatype) {
    case 'FP32':
      return new Float32Array(n);
    case 'FP64':
      return new Float64Array(n);
    case 'INT64':
      return new BigInt64Array(n);
    case 'BOOL':
      return new Uint8Array(n);
    case 'BYTES':
      return new Array<string>(n).fill('');
    default:
      return new Int32Array(n);
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Concatenates tensors along the first dimension (all share datatype and trailing dims). */
export function concatRows(parts: Tensor[], rows: number): Tensor {
  const first = parts[0]!;
  const shape = [rows, ...first.shape.slice(1)];
  if (parts.length === 1) return { ...first, shape };
  const total = elementCount(shape);
  if (first.datatype === 'BYTES') {
    const out: string[] = [];
    for (const p of parts) for (const s of p.data as string[]) out.push(s);
    return { name: first.name, datatype: first.datatype, shape, data: out };
  }
  const out = allocate(first.datatype, total) as Exclude<TensorData, string[]>;
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, offset);
    offset += p.data.length;
  }
  return { name: first.name, datatype: first.datatype, shape, data: out };
}

/** Rows [from, to) of a tensor whose first dimension is the batch (typed arrays: a view, not a copy). */
export function sliceRows(t: Tensor, from: number, to: number): Tensor {
  const rows = t.shape[0] ?? 0;
  const per = rows === 0 ? 0 : t.data.length / rows;
  const data = (
    Array.isArray(t.data) ? t.data.slice(from * per, to * per) : t.data.subarray(from * per, to * per)
  ) as TensorData;
  return { name: t.name, datatype: t.datatype, shape: [to - from, ...t.shape.slice(1)], data };
}
