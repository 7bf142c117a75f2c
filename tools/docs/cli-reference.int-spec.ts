import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEGIN, END, renderCliReference, spliceReference } from './cli-reference';

describe('docs/cli.md command reference', () => {
  it('should match the CLI command definitions when regenerated (run npm run docs:cli)', async () => {
    const committed = readFileSync(join(__dirname, '../../docs/cli.md'), 'utf8');
    const reference = await renderCliReference();
    expect(reference).toContain('### `keel dataset create <name>`');
    expect(reference).toContain('### `keel status`');
    expect(committed).toBe(spliceReference(committed, reference));
  }, 120_000);

  it('should replace only the generated section', () => {
    const doc = `# CLI\n\nhand-written\n\n${BEGIN}\n\nold\n\n${END}\n\nafter\n`;
    expect(spliceReference(doc, 'new\n')).toBe(`# CLI\n\nhand-written\n\n${BEGIN}\n\nnew\n\n${END}\n\nafter\n`);
  });
});
