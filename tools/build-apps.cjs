// Builds the bundled apps (Nx builds what is stale and leaves cached outputs in place): the one build
// step of `npm start`, `npm run demo`, `npm run chaos` and `jest --ci` (tools/jest/prebuild.cjs).
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const APPS = ['broker', 'registry', 'ingestion', 'training', 'inference', 'monitoring', 'cli'];

/** Runs the build and returns its exit status (0 when every app built). */
function buildApps({ quiet = false } = {}) {
  const build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'),
      'run-many',
      '-t',
      'build',
      `--projects=${APPS.join(',')}`,
      '--output-style=static',
      '--parallel=2',
    ],
    {
      cwd: root,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    },
  );
  return build.status ?? 1;
}

module.exports = { buildApps, APPS };
