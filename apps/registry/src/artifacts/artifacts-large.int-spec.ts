import { readFileSync } from 'node:fs';
import { startServiceProcess, type ServiceProcess } from '@keel/testing';
import { registryClients, type RegistryClients } from '@keel/clients';
import { downloadTo, uploadChunks } from '@keel/clients';
import { generatedChunks, sha256Of } from '../testing/generated-content';

// 200 MB by default, as the issue asks; KEEL_TEST_ARTIFACT_MB can shrink it on a slow machine.
const MB = Number(process.env['KEEL_TEST_ARTIFACT_MB'] ?? 200);
const LIMIT_BYTES = 50 * 1024 * 1024;

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')![1]) * 1024;
}

/** Samples the server's resident memory while `work` runs; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    return { result: await work(), peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

describe(`a ${MB} MB artifact through the registry process`, () => {
  let registry: ServiceProcess;
  let clients: RegistryClients;

  beforeAll(async () => {
    registry = await startServiceProcess('registry', {
      env: { KEEL_REGISTRY_OUTBOX_RELAY: 'false', KEEL_LOG_LEVEL: 'warn' },
    });
    clients = registryClients(registry.grpcAddress);
  });

  afterAll(async () => {
    clients?.close();
    await registry?.stop();
  });

  it('should stream up and down in bounded server memory with matching sha256 when large', async () => {
    const pid = registry.child.pid!;
    // Warm the code paths so the baseline includes loaded modules, not the transfer.
    const warm = [...generatedChunks(4, 256 * 1024, 3)];
    await uploadChunks(clients.artifacts.raw, warm);
    await downloadTo(clients.artifacts.raw, sha256Of(warm));
    const baseline = rssOf(pid);

    const up = await peakRss(pid, () => uploadChunks(clients.artifacts.raw, generatedChunks(MB, 1024 * 1024, 11)));
    expect(up.result.size).toBe(MB * 1024 * 1024);
    const down = await peakRss(pid, () => downloadTo(clients.artifacts.raw, up.result.sha256));
    expect(down.result).toEqual({ sha256: up.result.sha256, size: MB * 1024 * 1024 });

    const growth = Math.max(up.peak, down.peak) - baseline;
    process.stdout.write(
      `large artifact: ${MB} MB, server RSS baseline ${(baseline / 2 ** 20).toFixed(1)} MB, growth ${(growth / 2 ** 20).toFixed(1)} MB (upload peak +${((up.peak - baseline) / 2 ** 20).toFixed(1)}, download peak +${((down.peak - baseline) / 2 ** 20).toFixed(1)})\n`,
    );
    expect(growth).toBeLessThan(LIMIT_BYTES);
  }, 180_000);
});
