import { INGEST_RECORD_TYPE, validateEvent, type EventPayload, type EventType } from '@keel/contracts';
import { conformsToInferenceLogged } from './logged-prediction-check';

const INFERENCE_LOGGED_TYPE: EventType = 'keel.inference.logged';

export type PayloadValidation<T extends EventType> =
  { ok: true; payload: EventPayload<T> } | { ok: false; issues: string[] };

const NOT_AN_OBJECT = ['(root): expected a JSON object'];

/**
 * Validates an event's data on the bus's hot paths. `keel.ingest.record` is "any JSON object" (its
 * schema is `z.record(z.string(), z.unknown())`): checked directly, without zod copying every record;
 * `keel.inference.logged` that conforms exactly is passed on as it is (logged-prediction-check.ts); every
 * other type, and every other payload, goes through its zod schema (`validateEvent`).
 */
export function validatePayload<T extends EventType>(type: T, payload: unknown): PayloadValidation<T> {
  if (type === INGEST_RECORD_TYPE) {
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? { ok: true, payload: payload as EventPayload<T> }
      : { ok: false, issues: NOT_AN_OBJECT };
  }
  if (type === INFERENCE_LOGGED_TYPE && conformsToInferenceLogged(payload))
    return { ok: true, payload: payload as EventPayload<T> };
  return validateEvent(type, payload);
}

let lastMs = -1;
let lastIso = '';

/** `new Date().toISOString()`, computed once per millisecond. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
