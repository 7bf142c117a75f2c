import type { z } from 'zod';

/** Where an event is published: one fixed topic, or a family with one topic per dataset. */
export type EventTopic = { kind: 'fixed'; name: string } | { kind: 'ingest' };

export interface EventDefinition<
  T extends string = string,
  S extends z.ZodType = z.ZodType,
  P extends EventTopic = EventTopic,
> {
  /** The CloudEvents `ce_type`. */
  type: T;
  /** Schema version; bump on a breaking change and keep the old type readable. */
  version: number;
  topic: P;
  /** What the Kafka key is, for humans and the generated JSON Schema. */
  key: string;
  description: string;
  schema: S;
  /** Rules zod refinements express that the generated JSON Schema cannot infer, in JSON Schema terms. */
  jsonSchemaExtra?: Record<string, unknown>;
}

// `const` parameters keep the literal type and topic kind, which the typed event map relies on.
export function defineEvent<const T extends string, S extends z.ZodType, const P extends EventTopic>(
  definition: EventDefinition<T, S, P>,
): EventDefinition<T, S, P> {
  return definition;
}
