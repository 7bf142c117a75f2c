// Runs the workspace's TypeScript straight from source: `node -r ./tools/register-ts.cjs apps/x/src/main.ts`.
// Tests use it to start real service processes without a build; the bundles in dist/ are for `npm start`.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('./swc-options.cjs');

const root = path.resolve(__dirname, '..');
const options = swcOptions();

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  // @keel/<lib> and its test-only entry point @keel/<lib>/testing, as in tsconfig.base.json.
  const alias = /^@keel\/([a-z-]+)(\/testing)?$/.exec(request);
  if (alias) return path.join(root, 'libs', alias[1], 'src', alias[2] ? 'testing' : '', 'index.ts');
  return resolveFilename.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...options, filename, swcrc: false, configFile: false });
  module._compile(code, filename);
};
