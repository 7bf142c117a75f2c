// `npm run chaos`: build whatever is stale (Nx caches the rest), then run the chaos script
// (tools/chaos/chaos.ts) against the built apps. Arguments pass through (--seed <n>, --kill a,b, --quick).
import { spawnSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const apps = ['broker', 'registry', 'ingestion', 'training', 'inference', 'monitoring', 'cli'];
const nx = join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const build = spawnSync(
  process.execPath,
  [nx, 'run-many', '-t', 'build', `--projects=${apps.join(',')}`, '--output-style=static', '--parallel=2'],
  {
    cwd: root,
    stdio: ['ignore', process.env['KEEL_CHAOS_QUIET_BUILD'] ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  },
);
if (build.status !== 0) {
  process.stderr.write('npm run chaos: the build failed\n');
  process.exit(build.status ?? 1);
}
const child = spawn(
  process.execPath,
  ['-r', join(root, 'tools/register-ts.cjs'), join(root, 'tools/chaos/chaos.ts'), ...process.argv.slice(2)],
  // A port band of its own (see libs/testing ports.ts): a killed service's port stays ours while it restarts.
  { cwd: root, stdio: 'inherit', env: { KEEL_TEST_PORT_BAND: '12', ...process.env } },
);
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
