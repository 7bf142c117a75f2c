import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
const committed = join(root, 'libs/contracts/src/generated');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

function listFiles(dir: string): string[] {
  return walk(dir)
    .map((f) => relative(dir, f))
    .sort();
}

describe('proto:gen', () => {
  let fresh: string;
  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), 'keel-proto-gen-'));
    execFileSync(process.execPath, [join(root, 'tools/proto-gen.mjs'), fresh], { cwd: root, stdio: 'pipe' });
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('should produce exactly the committed files when regenerated from proto/', () => {
    const files = listFiles(fresh);
    expect(files).toEqual(listFiles(committed));
    const stale = files.filter(
      (f) => readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'),
    );
    expect({ stale, hint: stale.length ? 'run `npm run proto:gen` and commit the result' : '' }).toEqual({
      stale: [],
      hint: '',
    });
  });

  it('should generate the registry services when the registry protos are present', () => {
    const index = readFileSync(join(fresh, 'index.ts'), 'utf8');
    for (const service of ['DatasetService', 'RunService', 'ModelService', 'LineageService', 'ArtifactService']) {
      expect(index).toContain(`./keel/registry/v1/${service}'`);
    }
  });
});
