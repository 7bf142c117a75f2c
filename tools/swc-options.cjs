// The single swc configuration behind jest, the source runner and the esbuild bundle, so that
// Nest's decorator metadata is emitted the same way everywhere.
function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
}

function jestOptions() {
  return { ...swcOptions(), swcrc: false };
}

module.exports = { swcOptions, jestOptions };
