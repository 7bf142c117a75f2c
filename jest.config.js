// One jest run for the whole workspace: unit (*.spec.ts) and integration (*.int-spec.ts) tests.
const swc = require('./tools/swc-options.cjs');

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/e2e'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  transform: { '^.+\\.[cm]?[tj]s$': ['@swc/jest', swc.jestOptions()] },
  // hyparquet and hyparquet-writer ship only ES modules: transform them like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer)/)'],
  moduleNameMapper: {
    '^@keel/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@keel/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing/index.ts',
  },
  testTimeout: 60000,
  maxWorkers: 2,
  // `jest --ci`: the apps are built once before the tests that start them (tools/jest/prebuild.cjs).
  globalSetup: '<rootDir>/tools/jest/prebuild.cjs',
  forceExit: false,
};
