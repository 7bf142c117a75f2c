import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEEL_VERSION } from './version';

describe('KEEL_VERSION', () => {
  it('should equal the version in the root package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    expect(KEEL_VERSION).toBe(pkg.version);
  });
});
