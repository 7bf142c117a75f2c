// Jest environment for tests that call onnxruntime-node: the native binding builds typed arrays in
// Node's own realm, and onnxruntime-common checks them with `instanceof` inside jest's sandbox realm.
// Sharing the outer realm's typed-array constructors makes both sides see the same classes.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxRuntimeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxRuntimeEnvironment;
