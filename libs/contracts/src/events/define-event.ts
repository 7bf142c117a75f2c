import type { z } from 'zod';

/** Where an event is published: one fixed topic, or a family with one topic per dataset. */
export type EventTopic = { kind: 'fixed'; name: string } | { kind: 'ingest' };

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  /** The CloudEvents `ce_type`. */
  type: T;
  /** Schema version; bump on a breaking change and keep the old type readable. */
  version: number;
  topic: EventTopic;
  /** What the Kafka key is, for humans and the generated JSON Schema. */
  key: string;
  description: string;
  schema: S;
}

export function defineEvent<const T extends string, S extends z.ZodType>(definition: EventDefinition<T, S>): EventDefinition<T, S> {
  return definition;
}
