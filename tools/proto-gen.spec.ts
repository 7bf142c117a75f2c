import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';

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

  it('should generate the registry services in the registryV1 namespace when the registry protos are present', () => {
    const index = readFileSync(join(fresh, 'index.ts'), 'utf8');
    expect(index).toContain("export * as registryV1 from './keel/registry/v1';");
    const pkg = readFileSync(join(fresh, 'keel/registry/v1/index.ts'), 'utf8');
    for (const service of ['DatasetService', 'RunService', 'ModelService', 'LineageService', 'ArtifactService']) {
      expect(pkg).toContain(`export * from './${service}';`);
      expect(index).toContain(`'keel.registry.v1.${service}': registryV1.${service}Handlers;`);
    }
  });
});

describe('proto:gen with two packages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-proto-two-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should compile when two packages both define PageRequest and a service', () => {
    for (const name of ['alpha', 'beta']) {
      mkdirSync(join(dir, 'proto/keel', name, 'v1'), { recursive: true });
      writeFileSync(
        join(dir, 'proto/keel', name, 'v1/common.proto'),
        `syntax = "proto3";\npackage keel.${name}.v1;\nmessage PageRequest { int32 page_size = 1; string ${name}_token = 2; }\n` +
          `service ${name[0]!.toUpperCase()}${name.slice(1)}Service { rpc List(PageRequest) returns (PageRequest); }\n`,
      );
    }
    const out = join(dir, 'generated');
    execFileSync(process.execPath, [join(root, 'tools/proto-gen.mjs'), out, join(dir, 'proto')], { stdio: 'pipe' });
    const probe = join(dir, 'probe.ts');
    writeFileSync(
      probe,
      [
        "import type { alphaV1, betaV1, GrpcServiceHandlers } from './generated';",
        "export const a: alphaV1.PageRequest__Output = { pageSize: 1, alphaToken: 'a' };",
        "export const b: betaV1.PageRequest__Output = { pageSize: 2, betaToken: 'b' };",
        "export type H = GrpcServiceHandlers['keel.beta.v1.BetaService']['List'];",
      ].join('\n'),
    );
    const program = ts.createProgram([probe], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      types: [],
      typeRoots: [join(root, 'node_modules/@types')],
      baseUrl: root,
      paths: { '*': [join(root, 'node_modules/*')] },
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  });
});
