// BENCH_COMPARE_ROOT=<another checkout>: the inference service of that checkout (e.g. main, in a detached
// worktree with its node_modules), started against this run's broker and registry, so that two builds of
// the service are measured in the same run, in alternating slices, instead of in runs minutes apart on a
// machine whose load keeps changing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@keel/testing';

export interface OtherService {
  grpcAddress: string;
  httpUrl: string;
  child: ChildProcess;
}

/**
 * The inference service's own Node options as that checkout defines them (libs/contracts, ports.ts), so
 * that each build starts as it ships; none for a checkout from before they existed.
 */
function nodeOptionsOf(root: string): string {
  // Read by that checkout's own code, in a child process: the two checkouts' modules never mix.
  const script =
    "const p = require('./libs/contracts/src/ports.ts'); process.stdout.write(p.SERVICE_NODE_OPTIONS?.inference ?? '')";
  try {
    return execFileSync(process.execPath, ['-r', join(root, 'tools/register-ts.cjs'), '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch {
    return '';
  }
}

export async function startOtherInference(root: string, env: Record<string, string>): Promise<OtherService> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'tools/register-ts.cjs'), join(root, 'apps/inference/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        KEEL_DATA_DIR: mkdtempSync(join(tmpdir(), 'keel-inference-other-')),
        KEEL_INFERENCE_GRPC_PORT: String(grpcPort),
        KEEL_INFERENCE_HTTP_PORT: String(httpPort),
        NODE_OPTIONS: [nodeOptionsOf(root), env['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? '']
          .filter(Boolean)
          .join(' '),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  await waitFor(async () => (await fetch(`${httpUrl}/readyz`).catch(() => undefined))?.ok || undefined, {
    timeoutMs: 120_000,
    intervalMs: 200,
    what: `the inference service of ${root}`,
  });
  return { grpcAddress: `127.0.0.1:${grpcPort}`, httpUrl, child };
}
