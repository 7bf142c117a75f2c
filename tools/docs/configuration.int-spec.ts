import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationDoc } from './configuration';

describe('docs/configuration.md', () => {
  it("should match the services' setting schemas when regenerated (run npm run docs:config)", async () => {
    const committed = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
    expect(committed).toBe(await renderConfigurationDoc());
  }, 120_000);
});
