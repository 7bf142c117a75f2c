import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { WORKSPACE_ROOT } from '@keel/testing';

// The real eslint.config.mjs against probe files placed inside real projects: the boundary matrix and
// the import rules in docs/development.md must be enforced, not just written down.
const BOUNDARY = '@nx/enforce-module-boundaries';
const RESTRICTED = 'no-restricted-imports';

interface Probe {
  dir: string;
  /** How the probe file's name ends: `.ts`, `.service.ts`, `.int-spec.ts`... */
  suffix: string;
  line: string;
  /** The rule and message part expected, or null when the import must pass. */
  expected: [rule: string, message: string] | null;
}

const forbidden = (dir: string, line: string, message: string, suffix = '.ts', rule = BOUNDARY): Probe => ({
  dir,
  suffix,
  line,
  expected: [rule, message],
});
const allowed = (dir: string, line: string, suffix = '.ts'): Probe => ({ dir, suffix, line, expected: null });

const PROBES: Probe[] = [
  forbidden(
    'libs/ml/src',
    "import { Injectable } from '@nestjs/common';",
    'A project tagged with "type:pure" is not allowed to import "@nestjs/common"',
  ),
  forbidden(
    'libs/ml/src',
    "import { Kafka } from 'kafkajs';",
    'A project tagged with "type:pure" is not allowed to import "kafkajs"',
  ),
  forbidden(
    'libs/contracts/src',
    "import { DataSource } from 'typeorm';",
    'A project tagged with "type:pure" is not allowed to import "typeorm"',
  ),
  forbidden(
    'libs/ml/src',
    "import { openDatabase } from '@keel/persistence';",
    'A project tagged with "type:pure" can only depend on libs tagged with "type:pure"',
  ),
  forbidden(
    'libs/event-bus/src',
    "import { startBroker } from '@keel/testing';",
    'A project tagged with "type:infra" can only depend on libs tagged with "type:pure", "type:infra"',
  ),
  forbidden(
    'apps/registry/src',
    "import { inferenceSettings } from '../../inference/src/config';",
    'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
  ),
  // An app's production code starts no test brokers; its tests may.
  forbidden(
    'apps/registry/src',
    "import { startBroker } from '@keel/testing';",
    'A project tagged with "type:app" can only depend on libs tagged with "type:pure", "type:infra"',
  ),
  allowed('apps/registry/src', "import { startBroker } from '@keel/testing';", '.int-spec.ts'),
  // Tools and benches reach apps as processes, never through their source.
  forbidden(
    'tools/docs',
    "import { registrySettings } from '../../apps/registry/src/config';",
    'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
  ),
  forbidden(
    'bench/registry',
    "import { registryService } from '../../apps/registry/src/service-definition';",
    'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
  ),
  allowed('bench/registry', "import { registryClients } from '@keel/clients';"),
  // Services and repositories speak domain types; the gRPC adapter translates.
  forbidden(
    'apps/registry/src/datasets',
    "import type { registryV1 } from '@keel/contracts';",
    'Services and repositories speak domain types',
    '.service.ts',
    RESTRICTED,
  ),
  forbidden(
    'apps/registry/src/runs',
    "import type { GrpcServiceHandlers } from '@keel/contracts';",
    'Services and repositories speak domain types',
    '.repository.ts',
    RESTRICTED,
  ),
  forbidden(
    'apps/registry/src/models',
    "import { status } from '@grpc/grpc-js';",
    'Services and repositories know no transport',
    '.service.ts',
    RESTRICTED,
  ),
  allowed('apps/registry/src/datasets', "import { profileSchema } from '@keel/contracts';", '.service.ts'),
  allowed('apps/registry/src/datasets', "import type { registryV1 } from '@keel/contracts';", '.grpc.controller.ts'),
  // Test helpers stay out of production code.
  forbidden(
    'libs/event-bus/src',
    "import { describeEachDatabase } from '@keel/persistence/testing';",
    'holds test helpers; production code may not import it',
    '.ts',
    RESTRICTED,
  ),
  allowed('libs/event-bus/src', "import { describeEachDatabase } from '@keel/persistence/testing';", '.int-spec.ts'),
  allowed('apps/registry/src', "import { serviceSettings } from '@keel/runtime';"),
  // A library's own tests may start a real broker through libs/testing.
  allowed('libs/event-bus/src', "import { startBroker } from '@keel/testing';", '.int-spec.ts'),
];

const probes = PROBES.map((p, i) => ({
  ...p,
  path: join(WORKSPACE_ROOT, p.dir, `__boundary_probe_${process.pid}_${i}${p.suffix}`),
}));
const errorsByFile = new Map<string, { rule: string; message: string }[]>();

beforeAll(() => {
  // The rule reads Nx's cached project graph; compute it as `npm run lint` does.
  execFileSync(process.execPath, [join(WORKSPACE_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
  for (const p of probes) {
    const name = /\{ (\w+) \}/.exec(p.line)![1];
    const use = p.line.startsWith('import type')
      ? `export type Used = typeof ${name};`
      : `export const used = [${name}];`;
    writeFileSync(p.path, `${p.line}\n${use}\n`);
  }
  try {
    // One ESLint CLI run in its own process (jest's module sandbox cannot load the ESM flat config).
    const run = spawnSync(
      process.execPath,
      [join(WORKSPACE_ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...probes.map((p) => p.path)],
      { cwd: WORKSPACE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const results = JSON.parse(run.stdout) as {
      filePath: string;
      messages: { ruleId: string | null; message: string }[];
    }[];
    for (const r of results)
      errorsByFile.set(
        r.filePath,
        r.messages
          .filter((m) => m.ruleId === BOUNDARY || m.ruleId === RESTRICTED)
          .map((m) => ({ rule: m.ruleId!, message: m.message })),
      );
  } finally {
    for (const p of probes) rmSync(p.path, { force: true });
  }
}, 180_000);

describe('module boundaries and import rules', () => {
  const cases = probes.map((p) => [p.dir, p.suffix, p.line, p] as const);

  it.each(cases.filter(([, , , p]) => p.expected))(
    'should report a forbidden import in %s/*%s when it says %s',
    (_dir, _suffix, _line, p) => {
      const [rule, message] = p.expected!;
      expect(errorsByFile.get(p.path)).toEqual([{ rule, message: expect.stringContaining(message) }]);
    },
  );

  it.each(cases.filter(([, , , p]) => !p.expected))(
    'should accept the import in %s/*%s when it says %s',
    (_dir, _suffix, _line, p) => {
      expect(errorsByFile.get(p.path)).toEqual([]);
    },
  );
});
