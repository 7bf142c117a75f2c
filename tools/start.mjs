// `npm start`: build whatever is stale (Nx caches the rest), then run the platform with `keel up`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildApps } = createRequire(import.meta.url)('./build-apps.cjs');
const status = buildApps();
if (status !== 0) {
  process.stderr.write('npm start: the build failed\n');
  process.exit(status);
}
const child = spawn(
  process.execPath,
  [join(root, 'dist/apps/cli/main.js'), 'up', '--dist', join(root, 'dist/apps'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// The supervisor handles Ctrl-C itself (the terminal signals the whole group); forward a lone SIGTERM.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
