import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { startServiceProcess, waitFor } from '@keel/testing';
import { registryClients } from '@keel/clients';
import { uploadChunks } from '@keel/clients';
import { generatedChunks, sha256Of } from '../testing/generated-content';

// SIGTERM while an upload is half-way: the registry stops being ready and refuses new calls, lets the
// in-flight upload finish and store its artifact, then exits 0.
describe('registry graceful stop', () => {
  it('should finish an in-flight upload, refuse new calls and exit 0 when sent SIGTERM mid-stream', async () => {
    const svc = await startServiceProcess('registry', { env: { KEEL_REGISTRY_OUTBOX_RELAY: 'false' } });
    const clients = registryClients(svc.grpcAddress);
    const exited = new Promise<number | null>((r) => svc.child.once('exit', (code) => r(code)));
    try {
      const chunks = [...generatedChunks(4, 256 * 1024, 7)];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* slowly(): AsyncGenerator<Buffer> {
        yield chunks[0];
        await gate;
        yield* chunks.slice(1);
      }
      const upload = uploadChunks(clients.artifacts.raw, slowly());
      const tmp = join(svc.dataDir, 'artifacts', 'tmp');
      await waitFor(() => readdirSync(tmp).some((f) => statSync(join(tmp, f)).size > 0), {
        what: 'the first chunk on disk',
      });

      svc.child.kill('SIGTERM');
      await waitFor(async () => (await fetch(`${svc.httpUrl}/readyz`)).status === 503, {
        what: '/readyz to answer 503',
      });
      const refused = await clients.artifacts
        .StatArtifact({ sha256: sha256Of(chunks) }, { deadline: Date.now() + 3000 })
        .then(
          () => undefined,
          (err: ServiceError) => err,
        );
      expect(refused?.code).toBe(status.UNAVAILABLE);

      release();
      const info = await upload;
      expect(info).toMatchObject({ sha256: sha256Of(chunks), size: 4 * 256 * 1024 });
      expect(await exited).toBe(0);
      expect(readdirSync(join(svc.dataDir, 'artifacts', 'sha256', info.sha256.slice(0, 2)))).toEqual([info.sha256]);
    } finally {
      clients.close();
      await svc.stop('SIGKILL');
    }
  });
});
