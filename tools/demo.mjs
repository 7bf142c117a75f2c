// `npm run demo`: build whatever is stale (Nx caches the rest), then play the churn story with `keel demo`
// (which starts the platform when it is not running and stops it at the end unless --keep).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildApps } = createRequire(import.meta.url)('./build-apps.cjs');
const status = buildApps({ quiet: Boolean(process.env['KEEL_DEMO_QUIET_BUILD']) });
if (status !== 0) {
  process.stderr.write('npm run demo: the build failed\n');
  process.exit(status);
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
