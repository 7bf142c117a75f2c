// `npm run events:schemas`: regenerates docs/events/*.schema.json from the zod schemas in libs/contracts,
// so external producers can validate what they send. A test fails when the committed files are stale.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderEventJsonSchemas } from '@keel/contracts';

export const EVENTS_DOCS_DIR = resolve(__dirname, '../../docs/events');

function main(): void {
  const files = renderEventJsonSchemas();
  mkdirSync(EVENTS_DOCS_DIR, { recursive: true });
  for (const name of readdirSync(EVENTS_DOCS_DIR)) {
    if (name.endsWith('.schema.json') && !files.has(name)) rmSync(join(EVENTS_DOCS_DIR, name));
  }
  for (const [name, text] of files) writeFileSync(join(EVENTS_DOCS_DIR, name), text);
  console.log(`wrote ${files.size} event schemas to ${EVENTS_DOCS_DIR}`);
}

if (require.main === module) main();
