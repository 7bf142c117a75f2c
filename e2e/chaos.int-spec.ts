import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@keel/testing';

// The short variant of `npm run chaos` (issue 18): the platform from the built apps on free ports,
// the churn traffic, the broker and inference SIGKILLed in turn, every invariant checked from outside.
describe('npm run chaos (short)', () => {
  it('should lose no record, repeat no side effect and fail requests only while inference is down', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(WORKSPACE_ROOT, 'tools/register-ts.cjs'),
        join(WORKSPACE_ROOT, 'tools/chaos/chaos.ts'),
        '--quick',
        '--seed',
        '7',
        '--kill',
        'broker,inference',
      ],
      { cwd: WORKSPACE_ROOT, env: { ...process.env, KEEL_TEST_PORT_BAND: '11' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    if (code !== 0) throw new Error(`npm run chaos exited ${code}:\n${out}`);
    expect(out).toContain('RESULT records_lost 0 count');
    expect(out).toContain('RESULT duplicate_side_effects 0 count');
    expect(out).toContain('RESULT failed_requests_outside_outage 0 count');
    expect(out).toMatch(/RESULT recovery_s_broker \d+\.\d+ s/);
    expect(out).toMatch(/RESULT recovery_s_inference \d+\.\d+ s/);
    // The traffic really ran through both kills, and the platform was stopped at the end.
    expect(Number(/records_acked (\d+)/.exec(out)?.[1])).toBeGreaterThan(600);
    expect(Number(/requests_ok (\d+)/.exec(out)?.[1])).toBeGreaterThan(0);
    expect(out).toContain('chaos: platform stopped, nothing left running');
  }, 240_000);
});
