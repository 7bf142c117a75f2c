import type { z } from 'zod';
import { ingestTopic } from '../topics';
import { datasetSnapshotted } from './dataset-snapshotted';
import { feedback } from './feedback';
import { inferenceLogged } from './inference-logged';
import { ingestRecord } from './ingest-record';
import { modelPromoted } from './model-promoted';
import { modelPromotionRefused } from './model-promotion-refused';
import { modelRegistered } from './model-registered';
import { monitoringAlert } from './monitoring-alert';
import { policyChanged } from './policy-changed';
import { trainingCompleted } from './training-completed';
import { trainingFailed } from './training-failed';
import { trainingRequested } from './training-requested';

/** Every Keel event, by `ce_type`: the one typed map producers and handlers are checked against. */
export const EVENTS = {
  [datasetSnapshotted.type]: datasetSnapshotted,
  [trainingRequested.type]: trainingRequested,
  [trainingCompleted.type]: trainingCompleted,
  [trainingFailed.type]: trainingFailed,
  [modelRegistered.type]: modelRegistered,
  [modelPromoted.type]: modelPromoted,
  [modelPromotionRefused.type]: modelPromotionRefused,
  [inferenceLogged.type]: inferenceLogged,
  [feedback.type]: feedback,
  [monitoringAlert.type]: monitoringAlert,
  [policyChanged.type]: policyChanged,
  [ingestRecord.type]: ingestRecord,
} as const;

export type EventDefinitions = typeof EVENTS;
export type EventType = keyof EventDefinitions;
export type EventPayload<T extends EventType> = z.output<EventDefinitions[T]['schema']>;
export type EventMap = { [T in EventType]: EventPayload<T> };

/** Event types published on a per-dataset topic family: their producers and consumers name the dataset. */
export type IngestEventType = {
  [T in EventType]: EventDefinitions[T]['topic'] extends { kind: 'ingest' } ? T : never;
}[EventType];
export type FixedEventType = Exclude<EventType, IngestEventType>;

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENTS, type);
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  readonly code = 'UNKNOWN_EVENT_TYPE';
  constructor(readonly type: string) {
    super(`unknown event type ${JSON.stringify(type)}; known: ${EVENT_TYPES.join(', ')}`);
  }
}

export function eventDefinition<T extends EventType>(type: T): EventDefinitions[T] {
  if (!isEventType(type)) throw new UnknownEventTypeError(type);
  return EVENTS[type];
}

/** The topic an event is written to; ingest records need their dataset. */
export function topicOf(type: EventType, dataset?: string): string {
  const { topic } = eventDefinition(type);
  switch (topic.kind) {
    case 'fixed':
      return topic.name;
    case 'ingest':
      if (dataset === undefined) throw new TypeError(`${type} is published per dataset: pass the dataset`);
      return ingestTopic(dataset);
  }
}

export type EventValidation<T extends EventType> =
  { ok: true; payload: EventPayload<T> } | { ok: false; issues: string[] };

/** Validates a payload against its event's schema; issues are `path: message` strings for error messages. */
export function validateEvent<T extends EventType>(type: T, payload: unknown): EventValidation<T> {
  const result = (eventDefinition(type).schema as z.ZodType).safeParse(payload);
  if (result.success) return { ok: true, payload: result.data as EventPayload<T> };
  return {
    ok: false,
    issues: result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  };
}
