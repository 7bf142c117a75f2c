// A fast path for validating keel.inference.logged, the bus's busiest typed event (one per prediction,
// 20+ tensor objects each): zod spends more per event than JSON.parse. `conformsToInferenceLogged` only
// says yes to a payload the zod schema accepts unchanged — every key known (zod would strip unknown
// ones), every value of the right type and range — so handing the payload on as it is gives what zod
// would give; anything else (including every invalid payload) goes through zod, which names the field.
// Keys, datatypes and roles are read from the schema itself; the spec checks agreement with zod.
import { inferenceLoggedSchema, tensorDatatypeSchema, tensorSchema } from '@keel/contracts';

const LOGGED_KEYS = new Set(Object.keys(inferenceLoggedSchema.shape));
const TENSOR_KEYS = new Set(Object.keys(tensorSchema.shape));
const DATATYPES = new Set<unknown>(tensorDatatypeSchema.options);
const ROLES = new Set<unknown>(inferenceLoggedSchema.shape.role.unwrap().options);
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

type Obj = Record<string, unknown>;

function plainObject(v: unknown): v is Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every own key is in `known`, and no value is undefined (zod's handling of those differs by case). */
function onlyKnownKeys(o: Obj, known: Set<string>): boolean {
  for (const k in o) if (!known.has(k) || o[k] === undefined) return false;
  return true;
}

const id = (v: unknown): boolean => typeof v === 'string' && v.length >= 1 && v.length <= 128;

/** Every cell a finite number: its own loop, so reading a double cell needs no boxed number. */
function finiteNumbers(data: unknown[]): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (typeof c !== 'number' || !Number.isFinite(c)) return false;
  }
  return true;
}

/** Every cell a finite number, a string or a boolean. */
function cells(data: unknown[]): boolean {
  for (let i = 0; i < data.length; i++) {
    const c: unknown = data[i];
    if (typeof c === 'number') {
      if (!Number.isFinite(c)) return false;
    } else if (typeof c !== 'string' && typeof c !== 'boolean') return false;
  }
  return true;
}

function tensor(t: unknown): boolean {
  if (!plainObject(t) || !onlyKnownKeys(t, TENSOR_KEYS)) return false;
  const { name, datatype, shape, data } = t;
  if (typeof name !== 'string' || name.length === 0 || !DATATYPES.has(datatype)) return false;
  if (!Array.isArray(shape) || !Array.isArray(data)) return false;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (!Number.isSafeInteger(d) || (d as number) < -1) return false;
  }
  // Numeric tensors usually hold only numbers; any other cell sends the tensor through the full check.
  return (datatype !== 'BYTES' && finiteNumbers(data)) || cells(data);
}

function tensors(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!tensor(v[i])) return false;
  return true;
}

export function conformsToInferenceLogged(p: unknown): boolean {
  if (!plainObject(p) || !onlyKnownKeys(p, LOGGED_KEYS)) return false;
  if (!id(p['requestId']) || typeof p['model'] !== 'string' || !NAME.test(p['model'])) return false;
  const version = p['version'];
  if (!Number.isSafeInteger(version) || (version as number) < 1) return false;
  if ('entityId' in p && !id(p['entityId'])) return false;
  if ('entityIds' in p) {
    const ids = p['entityIds'];
    if (!Array.isArray(ids)) return false;
    for (let i = 0; i < ids.length; i++) if (!id(ids[i])) return false;
  }
  if ('role' in p && !ROLES.has(p['role'])) return false;
  const latency = p['latencyMs'];
  if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) return false;
  return tensors(p['inputs']) && tensors(p['outputs']);
}
