#!/usr/bin/env node
// The `keel` executable (package.json "bin"): runs the CLI from source, like `npm run -s keel --`.
require('../../../tools/register-ts.cjs');
require('../src/main.ts');
