// jest globalSetup: under `jest --ci` (npm test), build the bundled apps once before any test runs.
// `npm start`, `npm run demo` and `npm run chaos` each build them too, and their e2e tests run in parallel
// jest workers: a build that restores its outputs deletes dist/apps/<app> for a moment, so another test's
// `keel up` could find no dist/apps/cli/main.js (seen in CI). Built here first, every later build is an Nx
// cache hit whose outputs already match and are left in place. Local focused runs (`npx jest <file>`) skip it.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const APPS = ['broker', 'registry', 'ingestion', 'training', 'inference', 'monitoring', 'cli'];

module.exports = async function prebuild(globalConfig) {
  if (!globalConfig.ci) return;
  const root = join(__dirname, '..', '..');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/nx/dist/bin/nx.js'),
      'run-many',
      '-t',
      'build',
      `--projects=${APPS.join(',')}`,
      '--output-style=static',
      '--parallel=2',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
};
