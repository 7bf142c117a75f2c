import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventJsonSchemas } from '@keel/contracts';
import { EVENTS_DOCS_DIR } from './event-schemas';

describe('docs/events', () => {
  it('should match the zod schemas when checked in (else run npm run events:schemas)', () => {
    const expected = renderEventJsonSchemas();
    const present = readdirSync(EVENTS_DOCS_DIR)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    expect(present).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      const onDisk = readFileSync(join(EVENTS_DOCS_DIR, name), 'utf8');
      if (onDisk !== text) throw new Error(`docs/events/${name} is stale: run npm run events:schemas`);
    }
  });
});
