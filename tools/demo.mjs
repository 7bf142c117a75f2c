// `npm run demo`: build whatever is stale (Nx caches the rest), then play the churn story with `keel demo`
// (which starts the platform when it is not running and stops it at the end unless --keep).
import { spawnSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps = ['broker', 'registry', 'ingestion', 'training', 'inference', 'monitoring', 'cli'];
const nx = join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const build = spawnSync(
  process.execPath,
  [nx, 'run-many', '-t', 'build', `--projects=${apps.join(',')}`, '--output-style=static', '--parallel=2'],
  {
    cwd: root,
    stdio: ['ignore', process.env['KEEL_DEMO_QUIET_BUILD'] ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  },
);
if (build.status !== 0) {
  process.stderr.write('npm run demo: the build failed\n');
  process.exit(build.status ?? 1);
}
const child = spawn(
  process.execPath,
  [join(root, 'dist/apps/cli/main.js'), 'demo', '--dist', join(root, 'dist/apps'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the whole foreground group; the demo stops the platform it started. Forward SIGTERM.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
