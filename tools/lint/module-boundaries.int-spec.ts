import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { WORKSPACE_ROOT } from '@keel/testing';

// The real eslint.config.mjs against probe files placed inside real projects: the boundary matrix in
// docs/development.md must be enforced, not just written down.
const RULE = '@nx/enforce-module-boundaries';

const FORBIDDEN: [dir: string, line: string, message: string][] = [
  [
    'libs/ml/src',
    "import { Injectable } from '@nestjs/common';",
    'A project tagged with "type:pure" is not allowed to import "@nestjs/common"',
  ],
  [
    'libs/ml/src',
    "import { Kafka } from 'kafkajs';",
    'A project tagged with "type:pure" is not allowed to import "kafkajs"',
  ],
  [
    'libs/contracts/src',
    "import { DataSource } from 'typeorm';",
    'A project tagged with "type:pure" is not allowed to import "typeorm"',
  ],
  [
    'libs/ml/src',
    "import { openDatabase } from '@keel/persistence';",
    'A project tagged with "type:pure" can only depend on libs tagged with "type:pure"',
  ],
  [
    'libs/event-bus/src',
    "import { startBroker } from '@keel/testing';",
    'A project tagged with "type:infra" can only depend on libs tagged with "type:pure", "type:infra"',
  ],
  [
    'apps/registry/src',
    "import { inferenceSettings } from '../../inference/src/config';",
    'Projects cannot be imported by a relative or absolute path, and must begin with a npm scope',
  ],
];
const ALLOWED: [dir: string, line: string][] = [
  ['apps/registry/src', "import { serviceSettings } from '@keel/runtime';"],
];
// A library's own tests may start a real broker through libs/testing.
const ALLOWED_TEST = { dir: 'libs/event-bus/src', line: "import { startBroker } from '@keel/testing';" };

const probePath = (dir: string, i: number) => join(WORKSPACE_ROOT, dir, `__boundary_probe_${process.pid}_${i}.ts`);
const probes = [
  ...[...FORBIDDEN.map(([d, l]) => [d, l] as const), ...ALLOWED].map(([dir, line], i) => ({
    path: probePath(dir, i),
    line,
  })),
  { path: probePath(ALLOWED_TEST.dir, 99).replace(/\.ts$/, '.int-spec.ts'), line: ALLOWED_TEST.line },
];
const errorsByFile = new Map<string, string[]>();

beforeAll(() => {
  // The rule reads Nx's cached project graph; compute it as `npm run lint` does.
  execFileSync(process.execPath, [join(WORKSPACE_ROOT, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
  for (const p of probes)
    writeFileSync(p.path, `${p.line}\nexport const used = [${/\{ (\w+) \}/.exec(p.line)![1]}];\n`);
  try {
    // One ESLint CLI run in its own process (jest's module sandbox cannot load the ESM flat config).
    const run = spawnSync(
      process.execPath,
      [join(WORKSPACE_ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...probes.map((p) => p.path)],
      {
        cwd: WORKSPACE_ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const results = JSON.parse(run.stdout) as {
      filePath: string;
      messages: { ruleId: string | null; message: string }[];
    }[];
    for (const r of results)
      errorsByFile.set(
        r.filePath,
        r.messages.filter((m) => m.ruleId === RULE).map((m) => m.message),
      );
  } finally {
    for (const p of probes) rmSync(p.path, { force: true });
  }
}, 120_000);

describe('module boundaries', () => {
  it.each(FORBIDDEN.map((f, i) => [...f, i] as const))(
    'should report a forbidden import in %s when it says %s',
    (_dir, _line, message, i) => {
      expect(errorsByFile.get(probes[i].path)).toEqual([expect.stringContaining(message)]);
    },
  );

  it('should accept an app importing a library through its entry point', () => {
    expect(errorsByFile.get(probes[FORBIDDEN.length].path)).toEqual([]);
  });

  it('should let a library integration test start a broker through libs/testing', () => {
    expect(errorsByFile.get(probes[probes.length - 1].path)).toEqual([]);
  });
});
