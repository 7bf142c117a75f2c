// Checks decoded input tensors against the model's signature: every problem names the tensor.
import { invalid } from './inference.errors';
import { DATATYPES, elementCount, type Datatype, type ModelSignature, type Tensor, type TensorData } from './tensors';

export function checkDatatype(name: string, datatype: string): Datatype {
  if (!(DATATYPES as readonly string[]).includes(datatype))
    throw invalid(name, `input "${name}": unsupported datatype "${datatype}" (${DATATYPES.join(', ')})`);
  return datatype as Datatype;
}

export function checkShape(name: string, shape: readonly number[]): number[] {
  if (!shape.length) throw invalid(name, `input "${name}": shape must have at least one dimension`);
  for (const d of shape)
    if (!Number.isSafeInteger(d) || d < 0)
      throw invalid(name, `input "${name}": shape [${shape.join(', ')}] has a negative or non-integer dimension`);
  return [...shape];
}

/** The size check every transport makes once it has the elements: count = product of the shape. */
export function checkSize(name: string, shape: readonly number[], data: TensorData): void {
  const want = elementCount(shape);
  if (data.length !== want)
    throw invalid(name, `input "${name}": ${data.length} elements given but shape [${shape.join(', ')}] needs ${want}`);
}

/** The inputs in signature order with the common row count; unknown, missing or mistyped tensors fail. */
export function matchSignature(signature: ModelSignature, inputs: Tensor[]): { rows: number; inputs: Tensor[] } {
  const byName = new Map<string, Tensor>();
  for (const t of inputs) {
    if (byName.has(t.name)) throw invalid(t.name, `input "${t.name}" is given twice`);
    if (!signature.inputs.some((s) => s.name === t.name))
      throw invalid(
        t.name,
        `unknown input "${t.name}"; the model takes ${signature.inputs.map((s) => s.name).join(', ')}`,
      );
    byName.set(t.name, t);
  }
  let rows = -1;
  const ordered: Tensor[] = [];
  for (const spec of signature.inputs) {
    const t = byName.get(spec.name);
    if (!t) throw invalid(spec.name, `missing input "${spec.name}"`);
    if (t.datatype !== spec.datatype)
      throw invalid(spec.name, `input "${spec.name}": datatype ${t.datatype} given, the model takes ${spec.datatype}`);
    const fits = t.shape.length === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === t.shape[i]);
    if (!fits)
      throw invalid(
        spec.name,
        `input "${spec.name}": shape [${t.shape.join(', ')}] does not fit the model's [${spec.shape.join(', ')}]`,
      );
    const r = t.shape[0]!;
    if (rows === -1) rows = r;
    else if (r !== rows) throw invalid(spec.name, `input "${spec.name}": ${r} rows but the other inputs have ${rows}`);
    ordered.push(t);
  }
  if (rows === 0) throw invalid(signature.inputs[0]?.name ?? 'inputs', 'the request has no rows');
  return { rows, inputs: ordered };
}

/** Requested output names must exist. */
export function checkOutputs(signature: ModelSignature, names: string[], extra: string[] = []): void {
  for (const n of names)
    if (!signature.outputs.some((o) => o.name === n) && !extra.includes(n))
      throw invalid(
        n,
        `unknown output "${n}"; the model gives ${[...signature.outputs.map((o) => o.name), ...extra].join(', ')}`,
      );
}
