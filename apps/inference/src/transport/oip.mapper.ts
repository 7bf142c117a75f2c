// Open Inference Protocol gRPC messages <-> the service's tensors: typed `contents` or
// `raw_input_contents` in, typed contents or `raw_output_contents` (binary_data) out.
import type { inference } from '@keel/contracts';
import { invalid } from '../serving/inference.errors';
import { decodeRaw, encodeRaw } from '../serving/raw-codec';
import type { Datatype, Tensor, TensorData } from '../serving/tensors';
import type { InferAnswer } from '../serving/inference.service';
import { checkDatatype, checkShape, checkSize } from '../serving/validate';

type InputTensor = inference.ModelInferRequest__Output['inputs'][number];
type Contents = inference.InferTensorContents__Output;
type Params = Record<string, inference.InferParameter__Output>;

export function decodeInputs(req: inference.ModelInferRequest__Output): Tensor[] {
  const raw = req.rawInputContents ?? [];
  if (raw.length && raw.length !== req.inputs.length)
    throw invalid(
      'raw_input_contents',
      `raw_input_contents has ${raw.length} entries but the request has ${req.inputs.length} inputs`,
    );
  return req.inputs.map((t, i) => decodeInput(t, raw.length ? raw[i]! : undefined));
}

function decodeInput(t: InputTensor, raw: Buffer | undefined): Tensor {
  const name = t.name;
  if (!name) throw invalid('inputs', 'an input has no name');
  const datatype = checkDatatype(name, t.datatype);
  const shape = checkShape(name, t.shape.map(Number));
  let data: TensorData;
  if (raw) {
    if (t.contents && hasContents(t.contents))
      throw invalid(name, `input "${name}": contents and raw_input_contents must not both be given`);
    data = decodeRaw(name, datatype, raw);
  } else data = fromContents(name, datatype, t.contents);
  checkSize(name, shape, data);
  return { name, datatype, shape, data };
}

function hasContents(c: Contents): boolean {
  return Object.values(c).some((v) => Array.isArray(v) && v.length > 0);
}

function fromContents(name: string, datatype: Datatype, c: Contents | null): TensorData {
  if (!c) return datatype === 'BYTES' ? [] : new Float32Array(0);
  switch (datatype) {
    case 'FP32':
      return Float32Array.from(c.fp32Contents);
    case 'FP64':
      return Float64Array.from(c.fp64Contents);
    case 'INT64':
      return BigInt64Array.from(c.int64Contents, (v) => BigInt(v));
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return Int32Array.from(c.intContents);
    case 'BOOL':
      return Uint8Array.from(c.boolContents, (b) => (b ? 1 : 0));
    case 'BYTES':
      return c.bytesContents.map((b) => Buffer.from(b).toString('utf8'));
    default:
      throw invalid(name, `input "${name}": unsupported datatype ${String(datatype)}`);
  }
}

function toContents(t: Tensor): inference.InferTensorContents {
  switch (t.datatype) {
    case 'FP32':
      return { fp32Contents: Array.from(t.data as Float32Array) };
    case 'FP64':
      return { fp64Contents: Array.from(t.data as Float64Array) };
    case 'INT64':
      return { int64Contents: Array.from(t.data as BigInt64Array, (v) => Number(v)) };
    case 'BOOL':
      return { boolContents: Array.from(t.data as Uint8Array, (v) => v !== 0) };
    case 'BYTES':
      return { bytesContents: (t.data as string[]).map((s) => Buffer.from(s, 'utf8')) };
    default:
      return { intContents: Array.from(t.data as Int32Array) };
  }
}

const truthy = (p: inference.InferParameter__Output | undefined): boolean =>
  p?.boolParam === true || p?.stringParam === 'true' || p?.int64Param === 1;

/** Raw outputs when the request or any requested output asks for binary_data. */
export function wantsRaw(req: inference.ModelInferRequest__Output): boolean {
  const params: Params = req.parameters ?? {};
  return (
    truthy(params['binary_data_output']) ||
    truthy(params['binary_data']) ||
    req.outputs.some((o) => truthy(o.parameters?.['binary_data']))
  );
}

/** The `explain` request parameter. */
export function wantsExplain(req: inference.ModelInferRequest__Output): boolean {
  return truthy(req.parameters?.['explain']);
}

function toParameter(v: string | number): inference.InferParameter {
  return typeof v === 'string' ? { stringParam: v } : { stringParam: String(v) };
}

export function encodeResponse(answer: InferAnswer, raw: boolean): inference.ModelInferResponse {
  return {
    modelName: answer.model,
    parameters: Object.fromEntries(Object.entries(answer.parameters).map(([k, v]) => [k, toParameter(v)])),
    modelVersion: String(answer.version),
    id: answer.id,
    outputs: answer.outputs.map((t) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape,
      ...(raw ? {} : { contents: toContents(t) }),
    })),
    rawOutputContents: raw ? answer.outputs.map((t) => encodeRaw(t.datatype, t.data)) : [],
  };
}
