// Preloaded (NODE_OPTIONS=--require) into the inference service when BENCH_CPU_PROF=<dir> is set:
// Node 20 refuses --cpu-prof in NODE_OPTIONS, so the profile is taken through the inspector and
// written as <dir>/inference-<pid>.cpuprofile when the process exits (open it in Chrome DevTools).
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_CPU_PROF;
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // The in-thread session answers synchronously, so this completes inside the exit handler.
  session.post('Profiler.stop', (err, res) => {
    if (!err) fs.writeFileSync(path.join(dir, `inference-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
  });
});
