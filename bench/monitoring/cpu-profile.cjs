// Preloaded into the monitoring process by `BENCH_PROFILE=<dir>` (Node 20 refuses --cpu-prof in
// NODE_OPTIONS, but allows --require): records a V8 CPU profile through the inspector and writes it to
// <dir>/monitoring-<pid>.cpuprofile when the process exits.
const { Session } = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // The in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `monitoring-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
