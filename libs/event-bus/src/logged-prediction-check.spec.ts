import { EVENT_EXAMPLES, validateEvent } from '@keel/contracts';
import { conformsToInferenceLogged } from './logged-prediction-check';
import { validatePayload } from './validate';

type Json = unknown;

const example = EVENT_EXAMPLES['keel.inference.logged'];
const full = {
  ...example,
  entityId: 'c-1',
  entityIds: ['c-1', 'c-2'],
  role: 'canary',
  inputs: [
    { name: 'age', datatype: 'FP32', shape: [2, 1], data: [31.5, -2] },
    { name: 'city', datatype: 'BYTES', shape: [-1, 1], data: ['a', 'NaN'] },
    { name: 'vip', datatype: 'BOOL', shape: [2], data: [true, false] },
  ],
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.25, 0.75, 0.5, 0.5] }],
  latencyMs: 0,
};

const BAD_VALUES: Json[] = [
  undefined,
  null,
  '',
  'x'.repeat(129),
  'Model',
  'BAD',
  -2,
  -1,
  0,
  1.5,
  NaN,
  Infinity,
  2 ** 60,
  true,
  [],
  {},
  [{}],
];

/** Every payload one edit away from `base`: each value replaced by each bad value, each object given an unknown key. */
function mutations(base: Json): Json[] {
  const out: Json[] = [];
  const walk = (node: Json, rebuild: (v: Json) => Json) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, (v) => rebuild(node.map((c, j) => (j === i ? v : c)))));
      out.push(rebuild([...node, 'extra']), rebuild([]));
    } else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, Json>;
      for (const k of Object.keys(o)) {
        walk(o[k], (v) => rebuild({ ...o, [k]: v }));
        const { [k]: _, ...without } = o;
        out.push(rebuild(without));
      }
      out.push(rebuild({ ...o, unknownKey: 1 }));
    }
    for (const bad of BAD_VALUES) out.push(rebuild(bad));
  };
  walk(base, (v) => v);
  return out;
}

describe('the keel.inference.logged fast path', () => {
  it.each([
    ['the contract example', example],
    ['a payload using every optional field', full],
  ])('should pass %s on unchanged, as zod would', (_, payload) => {
    expect(conformsToInferenceLogged(payload)).toBe(true);
    const zod = validateEvent('keel.inference.logged', payload);
    expect(zod).toEqual({ ok: true, payload });
    expect(validatePayload('keel.inference.logged', payload)).toEqual(zod);
  });

  it('should accept a payload only when zod accepts it and returns it unchanged', () => {
    const all = [...mutations(example), ...mutations(full)];
    let accepted = 0;
    let rejectedByZod = 0;
    for (const m of all) {
      const zod = validateEvent('keel.inference.logged', m);
      if (!zod.ok) rejectedByZod++;
      if (!conformsToInferenceLogged(m)) continue;
      accepted++;
      expect([m, zod]).toEqual([m, { ok: true, payload: m }]);
    }
    // The edits cover both sides: many are invalid, and some valid ones still take the fast path.
    expect(rejectedByZod).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(20);
  });

  it('should leave invalid payloads to zod, so the error names the field', () => {
    const bad = { ...example, inputs: [{ name: 'age', datatype: 'FP33', shape: [1], data: [1] }] };
    expect(validatePayload('keel.inference.logged', bad)).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^inputs\.0\.datatype: /)],
    });
  });
});
