// Preload (`--require`) for `bench:ingest --cpu-prof <dir>`: node refuses --cpu-prof in NODE_OPTIONS, so the
// ingestion process profiles itself through the inspector and writes <dir>/ingestion-<pid>.cpuprofile on exit.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.KEEL_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `ingestion-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  process.on('exit', write);
  process.prependListener('SIGTERM', write);
}
