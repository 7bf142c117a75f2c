// Preloaded (NODE_OPTIONS=--require, which worker threads run too) into the inference service by
// profile-rows.ts: a V8 CPU profile of the main thread and of every worker thread over a window the
// driver chooses. SIGUSR2 to the process starts the window, the next SIGUSR2 ends it; the main thread
// tells its workers over a BroadcastChannel. Each thread writes <dir>/<main|worker-N>-<pid>.cpuprofile.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread, threadId, BroadcastChannel } = require('node:worker_threads');

const dir = process.env.BENCH_THREAD_PROF;
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 });
const channel = new BroadcastChannel('bench-thread-profile');
channel.unref();
let profiling = false;

// BENCH_HEAP_PROF=1: also a sampling allocation profile (<name>-<pid>.heapprofile).
const heap = process.env.BENCH_HEAP_PROF === '1';
const name = isMainThread ? 'main' : `worker-${threadId}`;

function toggle() {
  if (!profiling) {
    profiling = true;
    session.post('Profiler.start');
    if (heap)
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    return;
  }
  profiling = false;
  if (heap)
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (!err) fs.writeFileSync(path.join(dir, `${name}-${process.pid}.heapprofile`), JSON.stringify(res.profile));
    });
  session.post('Profiler.stop', (err, res) => {
    if (!err) fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
  });
}

channel.onmessage = () => toggle();
if (isMainThread)
  process.on('SIGUSR2', () => {
    toggle();
    channel.postMessage('toggle');
  });
