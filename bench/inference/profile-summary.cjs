// Summarises a V8 .cpuprofile (from profile-rows.ts): self time by function and by package/file, and
// inclusive time of the functions whose name or file matches PROFILE_FOCUS (a regular expression).
//   node bench/inference/profile-summary.cjs <file.cpuprofile> [top]
const fs = require('node:fs');

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i + 1] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  return url.replace(/^.*\/h14-[a-z]+\//, '').replace(/^node:/, 'node:');
}
const label = (n) => `${n.callFrame.functionName || '(anon)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const byFn = new Map();
const byFile = new Map();
for (const [id, t] of self) {
  const n = nodes.get(id);
  byFn.set(label(n), (byFn.get(label(n)) ?? 0) + t);
  const f = where(n.callFrame.url);
  byFile.set(f, (byFile.get(f) ?? 0) + t);
}
const pct = (t) => ((100 * t) / total).toFixed(1).padStart(5) + ' %';
const print = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
};
console.log(`${file}: ${(total / 1e3).toFixed(0)} ms sampled`);
print('self time by package / file', byFile);
print('self time by function', byFn);
// Stages of the serving path; a sample goes to the innermost frame on its stack that matches one (so
// promise hooks under kafkajs count as telemetry, a Buffer copy under decodeRaw as decoding).
const STAGES = [
  ['telemetry (OpenTelemetry, async context hooks)', /@opentelemetry|async_hooks|libs\/telemetry/],
  ['metrics (prom-client)', /prom-client|inference-metrics/],
  [
    'prediction log (entry, bus, JSON, kafkajs)',
    /prediction-log|libs\/event-bus|kafkajs|^log(Tensor|Data) |^elementsOf /,
  ],
  [
    'worker hand-off (batcher, pack, postMessage, outputs)',
    /feed-pack|worker-pool|batcher|^postMessage|node:internal\/worker|messageport/,
  ],
  ['input decode + validation', /^decodeInputs|raw-codec|validate\.ts|^decodeInput |^checkSize/],
  ['output encode', /^encodeResponse|^toContents|^toParameter/],
  ['service (inferIn, span, routing)', /inference\.service|oip\.grpc\.controller|grpc-handlers|grpc-server-host/],
  ['grpc-js / http2 / protobuf', /@grpc|protobufjs|http2|stream_base|node:net|internal\/streams/],
];
const stages = new Map();
for (const [id, t] of self) {
  const leaf = nodes.get(id).callFrame.functionName;
  let stage = /^\((idle|garbage collector|program)\)$/.test(leaf) ? leaf : undefined;
  for (let at = id; !stage && at !== undefined; at = parent.get(at)) {
    const l = label(nodes.get(at));
    stage = STAGES.find(([, re]) => re.test(l))?.[0];
  }
  stage ??= 'other';
  stages.set(stage, (stages.get(stage) ?? 0) + t);
}
print('by stage (innermost matching frame)', stages);
const focus = process.env.PROFILE_FOCUS;
if (focus) {
  // Inclusive: a sample counts once for each distinct matching frame on its stack.
  const re = new RegExp(focus);
  const incl = new Map();
  for (const [id, t] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const l = label(nodes.get(at));
      if (re.test(l) && !seen.has(l)) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + t);
      }
    }
  }
  print(`inclusive time of frames matching ${focus}`, incl);
}
