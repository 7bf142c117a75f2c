import { EVENT_TYPES, eventJsonSchema } from './index';

describe('eventJsonSchema', () => {
  it('should describe a required, typed object with the envelope facts when generated', () => {
    const schema = eventJsonSchema('keel.model.promoted') as {
      type: string;
      required: string[];
      properties: Record<string, unknown>;
      'x-keel-event': { topic: string; version: number };
    };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'alias', 'fromVersion', 'toVersion']));
    expect(schema['x-keel-event']).toMatchObject({ topic: 'keel.model.promoted', version: 1 });
    expect(schema.properties['fromVersion']).toEqual({
      anyOf: [{ type: 'integer', minimum: 1, maximum: 9007199254740991 }, { type: 'null' }],
    });
  });

  it('should require a requestId or an entityId when the event is feedback', () => {
    expect(eventJsonSchema('keel.feedback')['anyOf']).toEqual([
      { required: ['requestId'] },
      { required: ['entityId'] },
    ]);
  });

  it('should name the topic family when the event is an ingest record', () => {
    expect(eventJsonSchema('keel.ingest.record')['x-keel-event']).toMatchObject({ topic: 'keel.ingest.<dataset>' });
    expect(EVENT_TYPES.map((t) => eventJsonSchema(t).title)).toEqual(EVENT_TYPES);
  });
});
