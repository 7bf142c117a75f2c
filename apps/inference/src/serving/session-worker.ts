// The code each worker thread runs: onnxruntime-node sessions keyed by model version. run() blocks its
// thread, so it never runs on the event loop. Evaluated as a string so it works from source and bundle.
import { UNPACK_FEEDS_SOURCE } from './feed-pack';

export function sessionWorkerSource(ortPath: string): string {
  return `
const { parentPort } = require('node:worker_threads');
${UNPACK_FEEDS_SOURCE}
const ort = require(${JSON.stringify(ortPath)});
const sessions = new Map();
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'load') {
      const s = await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      sessions.set(m.key, s);
      parentPort.postMessage({ id: m.id, ok: true, inputs: s.inputNames, outputs: s.outputNames });
    } else if (m.op === 'unload') {
      const s = sessions.get(m.key);
      sessions.delete(m.key);
      if (s) await s.release();
      parentPort.postMessage({ id: m.id, ok: true });
    } else {
      const s = sessions.get(m.key);
      if (!s) throw new Error('model ' + m.key + ' is not loaded in this worker');
      const feeds = unpackFeeds(ort, m.packed);
      const started = process.hrtime.bigint();
      const out = await s.run(feeds);
      const computeNs = Number(process.hrtime.bigint() - started);
      const outputs = {};
      const transfer = [];
      for (const name of Object.keys(out)) {
        const t = out[name];
        const data = Array.isArray(t.data) ? t.data : t.data.slice();
        if (!Array.isArray(data)) transfer.push(data.buffer);
        outputs[name] = { type: t.type, data, dims: Array.from(t.dims, Number) };
      }
      parentPort.postMessage({ id: m.id, ok: true, outputs, computeNs }, transfer);
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;
}
