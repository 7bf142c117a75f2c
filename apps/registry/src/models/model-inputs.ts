import { tensorDatatypeSchema } from '@keel/contracts';
import type { Validator } from '@keel/domain';
import type { KeyValueInput, SignatureInput } from './models.commands';
import type { SignatureRow } from './models.entities';

// Domain checks of model inputs shared by ModelsService's use cases.

/** Open Inference Protocol tensors: at least one input and output, known datatypes, -1 for variable dims. */
export function readSignature(sig: SignatureInput | null, v: Validator): SignatureRow {
  if (!sig) return v.fail('signature', 'is required (inputs and outputs)');
  const tensors = (list: SignatureInput['inputs'], field: string) => {
    if (list.length === 0) v.fail(field, 'must list at least one tensor');
    const seen = new Set<string>();
    return list.map((t, i) => {
      if (!/^[A-Za-z0-9_.:/-]{1,128}$/.test(t.name))
        v.fail(`${field}[${i}].name`, 'must be 1-128 characters of letters, digits, "_", ".", ":", "/" or "-"');
      if (seen.has(t.name)) v.fail(`${field}[${i}].name`, `repeats "${t.name}"`);
      seen.add(t.name);
      const datatype = tensorDatatypeSchema.safeParse(t.datatype);
      if (!datatype.success)
        v.fail(`${field}[${i}].datatype`, `must be one of ${tensorDatatypeSchema.options.join(', ')}`);
      t.shape.forEach((d, j) => {
        if (!Number.isInteger(d) || d < -1)
          v.fail(`${field}[${i}].shape[${j}]`, 'must be -1 (variable) or a size >= 0');
      });
      return { name: t.name, datatype: datatype.data!, shape: t.shape };
    });
  };
  return { inputs: tensors(sig.inputs, 'signature.inputs'), outputs: tensors(sig.outputs, 'signature.outputs') };
}

export function readTags(items: KeyValueInput[], v: Validator, allowEmpty: boolean): { key: string; value: string }[] {
  if (items.length > 1000) v.fail('tags', 'must hold at most 1000 entries');
  const seen = new Set<string>();
  return items.map((kv, i) => {
    const key = v.key(kv.key, `tags[${i}].key`);
    if (seen.has(key)) v.fail(`tags[${i}].key`, `repeats "${key}"`);
    seen.add(key);
    if (!allowEmpty && kv.value === '') v.fail(`tags[${i}].value`, 'must not be empty');
    return { key, value: v.text(kv.value, `tags[${i}].value`, 1024) };
  });
}
