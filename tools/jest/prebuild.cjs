// jest globalSetup: under `jest --ci` (npm test), build the bundled apps once before any test runs.
// `npm start`, `npm run demo` and `npm run chaos` each build them too, and their e2e tests run in parallel
// jest workers: a build that restores its outputs deletes dist/apps/<app> for a moment, so another test's
// `keel up` could find no dist/apps/cli/main.js (seen in CI). Built here first, every later build is an Nx
// cache hit whose outputs already match and are left in place. Local focused runs (`npx jest <file>`) skip it.
const { buildApps } = require('../build-apps.cjs');

module.exports = async function prebuild(globalConfig) {
  if (!globalConfig.ci) return;
  if (buildApps() !== 0) throw new Error('jest --ci: building the apps failed');
};
