// ESLint flat config: type-aware TypeScript rules plus Nx's module-boundary matrix (docs/development.md).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const pureBans = ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', 'better-sqlite3', 'express'];
const scopes = ['broker', 'ingestion', 'training', 'registry', 'inference', 'monitoring', 'cli'];

// Test code: unit and integration tests, their helpers (a `testing/` or `integration/` folder), e2e, benches, tools.
const testFiles = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/testing/**/*.ts',
  '**/integration/**/*.ts',
  'e2e/**/*.ts',
  'bench/**/*.ts',
  'tools/**/*.ts',
];

// The matrix of docs/development.md. Tests (of a library or an app) may also use libs/testing, to start a
// real broker or service; production code may not. tools/ and bench/ are projects of their own, so they
// reach apps only as processes, never by importing their source.
function boundaries({ testsMayUseTesting }) {
  const withTesting = (tags) => (testsMayUseTesting ? [...tags, 'type:testing'] : tags);
  const everyLib = ['type:pure', 'type:infra', 'type:testing'];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    banTransitiveDependencies: false,
    depConstraints: [
      { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: pureBans },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: withTesting(['type:pure', 'type:infra']) },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:infra'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: withTesting(['type:pure', 'type:infra']) },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: everyLib },
      { sourceTag: 'type:tools', onlyDependOnLibsWithTags: everyLib },
      { sourceTag: 'type:bench', onlyDependOnLibsWithTags: everyLib },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...scopes.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: ['scope:shared'] })),
    ],
  };
}

// Restricted imports (one rule, so each file group lists every pattern that applies to it).
const testingEntryPoints = {
  group: ['@keel/*/testing'],
  message: 'A …/testing entry point holds test helpers; production code may not import it.',
};
const protoTypes = {
  regex: '^@keel/contracts$',
  importNamePattern: '^([a-z][A-Za-z]*V[0-9]+|Grpc[A-Za-z]+|[A-Za-z]+__Output)$',
  message:
    'Services and repositories speak domain types: the gRPC adapter (*.grpc.controller.ts) turns generated proto messages into commands.',
};
const grpcTransport = {
  group: ['@grpc/*'],
  message: 'Services and repositories know no transport: gRPC stays in the *.grpc.controller.ts adapter.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'tmp/**',
      '.nx/**',
      '.keel/**',
      '**/__fixtures__/**',
      '**/*.cjs',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    // proto-loader-gen-types writes an empty interface for an empty proto message (ServerLiveRequest...).
    files: ['libs/contracts/src/generated/**/*.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaries({ testsMayUseTesting: false })],
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testingEntryPoints] }] },
  },
  {
    files: ['**/*.service.ts', '**/*.repository.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [testingEntryPoints, protoTypes, grpcTransport] }] },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ testsMayUseTesting: true })],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // proto-loader-gen-types writes an empty interface for an empty message (the OIP has several).
    files: ['libs/contracts/src/generated/**/*.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
);
