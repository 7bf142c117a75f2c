// esbuild does not emit decorator metadata, which Nest's dependency injection reads; route the
// workspace's TypeScript through swc (the same options as jest) before esbuild bundles it.
const fs = require('node:fs');
const { transform } = require('@swc/core');
const { swcOptions } = require('../swc-options.cjs');

const swcDecorators = {
  name: 'keel-swc-decorators',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      const options = swcOptions();
      const { code } = await transform(source, {
        ...options,
        module: { type: 'es6' },
        filename: args.path,
        swcrc: false,
        configFile: false,
      });
      return { contents: code, loader: 'js' };
    });
  },
};

// Plain .js output so every app runs as `node dist/apps/<app>/main.js`.
module.exports = { plugins: [swcDecorators], outExtension: { '.js': '.js' } };
