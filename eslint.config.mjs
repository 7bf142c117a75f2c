// ESLint flat config: type-aware TypeScript rules plus Nx's module-boundary matrix (docs/development.md).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const pureBans = ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', 'better-sqlite3', 'express'];
const scopes = ['broker', 'ingestion', 'training', 'registry', 'inference', 'monitoring', 'cli'];

// The matrix of docs/development.md. A library's own tests may also use libs/testing (to start a real
// broker or service); its production code may not.
function boundaries({ testsMayUseTesting }) {
  const infraDeps = testsMayUseTesting ? ['type:pure', 'type:infra', 'type:testing'] : ['type:pure', 'type:infra'];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    banTransitiveDependencies: false,
    depConstraints: [
      { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: pureBans },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: infraDeps },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:infra'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:infra', 'type:testing'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:pure', 'type:infra', 'type:testing'] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...scopes.map((scope) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: ['scope:shared'] })),
    ],
  };
}

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
    files: ['libs/**/*.spec.ts', 'libs/**/*.int-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ testsMayUseTesting: true })] },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
