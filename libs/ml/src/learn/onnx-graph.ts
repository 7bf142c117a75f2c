// Small helpers to write ONNX nodes, attributes and value infos as plain objects for onnx-proto.ts.
import { AttributeType, DataType } from './onnx-proto';

export type Attribute = Record<string, unknown> & { name: string };

const utf8 = new TextEncoder();

export const attr = {
  float: (name: string, f: number): Attribute => ({ name, type: AttributeType.Float, f }),
  int: (name: string, i: number): Attribute => ({ name, type: AttributeType.Int, i }),
  string: (name: string, s: string): Attribute => ({ name, type: AttributeType.String, s: utf8.encode(s) }),
  floats: (name: string, floats: ArrayLike<number>): Attribute => ({
    name,
    type: AttributeType.Floats,
    floats: Array.from(floats),
  }),
  ints: (name: string, ints: ArrayLike<number>): Attribute => ({
    name,
    type: AttributeType.Ints,
    ints: Array.from(ints),
  }),
  strings: (name: string, strings: readonly string[]): Attribute => ({
    name,
    type: AttributeType.Strings,
    strings: strings.map((s) => utf8.encode(s)),
  }),
};

export const ML_DOMAIN = 'ai.onnx.ml';

/** A node with its attributes sorted by name, as onnx.helper.make_node does, so bytes are stable. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Attribute[] = [],
  domain = '',
): Record<string, unknown> {
  const attribute = [...attributes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { input: inputs, output: outputs, name: outputs[0], opType, attribute, domain };
}

/** A tensor value info with a symbolic batch dimension "N" followed by fixed dimensions. */
export function valueInfo(name: string, elemType: DataType, dims: (number | 'N')[]): Record<string, unknown> {
  const dim = dims.map((d) => (d === 'N' ? { dimParam: 'N' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export function int64Initializer(name: string, values: number[]): Record<string, unknown> {
  return { name, dataType: DataType.Int64, dims: [values.length], int64Data: values };
}

export function floatInitializer(name: string, values: number[]): Record<string, unknown> {
  return { name, dataType: DataType.Float, dims: [values.length], floatData: values };
}

export function stringInitializer(name: string, values: string[]): Record<string, unknown> {
  return { name, dataType: DataType.String, dims: [values.length], stringData: values.map((v) => utf8.encode(v)) };
}
