// `npm run chaos`: build whatever is stale (Nx caches the rest), then run the chaos script
// (tools/chaos/chaos.ts) against the built apps. Arguments pass through (--seed <n>, --kill a,b, --quick).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { buildApps } = createRequire(import.meta.url)('../build-apps.cjs');
const status = buildApps({ quiet: Boolean(process.env['KEEL_CHAOS_QUIET_BUILD']) });
if (status !== 0) {
  process.stderr.write('npm run chaos: the build failed\n');
  process.exit(status);
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
