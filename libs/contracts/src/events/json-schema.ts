import { z } from 'zod';
import { EVENTS, EVENT_TYPES, type EventType } from './event-map';
import { EVENT_EXAMPLES } from './examples';

/** The JSON Schema (draft 2020-12) of one event's data, with Keel's envelope facts as annotations. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const def = EVENTS[type];
  const schema = z.toJSONSchema(def.schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const topic = def.topic.kind === 'fixed' ? def.topic.name : 'keel.ingest.<dataset>';
  return {
    $schema: schema['$schema'],
    $id: `urn:keel:event:${type}:v${def.version}`,
    title: type,
    description: def.description,
    'x-keel-event': { type, version: def.version, topic, key: def.key, envelope: 'CloudEvents 1.0 Kafka binary mode' },
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
    ...def.jsonSchemaExtra,
    examples: [EVENT_EXAMPLES[type]],
  };
}

export function jsonSchemaFileName(type: EventType): string {
  return `${type}.schema.json`;
}

/** Every event's JSON Schema as file name → text, exactly as stored in docs/events. */
export function renderEventJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of [...EVENT_TYPES].sort()) {
    files.set(jsonSchemaFileName(type), JSON.stringify(eventJsonSchema(type), null, 2) + '\n');
  }
  return files;
}
