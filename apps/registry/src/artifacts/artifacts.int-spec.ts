import { readdirSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import S3rver from 's3rver';
import { describeEachRegistry, startRegistry, type RegistryHarness } from '../testing/registry-harness';
import { expectStatus, sha } from '../testing/expect-status';
import { downloadTo, uploadChunks } from '@keel/clients';
import { generatedChunks, sha256Of } from '../testing/generated-content';

const chunks = [...generatedChunks(5, 300_000, 42)];
const digest = sha256Of(chunks);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

/** The behaviour every backend shares: streaming both ways, integrity, rejection that leaves nothing. */
function artifactSuite(h: () => RegistryHarness, stored: () => string[]) {
  it('should store content under its sha256 and stream it back intact when the digest matches', async () => {
    const info = await uploadChunks(h().clients.artifacts.raw, chunks, {
      digestIn: 'header',
      knownSha256: digest,
      declaredSize: 1_500_000,
    });
    expect(info).toMatchObject({ sha256: digest, size: 1_500_000 });
    expect((await h().clients.artifacts.StatArtifact({ sha256: digest })).size).toBe(1_500_000);
    const received: Buffer[] = [];
    const down = await downloadTo(h().clients.artifacts.raw, digest, (c) => received.push(c));
    expect(down).toEqual({ sha256: digest, size: 1_500_000 });
    expect(Buffer.concat(received).equals(Buffer.concat(chunks))).toBe(true);
    // The same content again is deduplicated, with the digest sent in the trailer this time.
    expect((await uploadChunks(h().clients.artifacts.raw, chunks, { digestIn: 'trailer' })).uri).toBe(info.uri);
  });

  it('should reject a corrupted upload and leave nothing behind when the digest does not match', async () => {
    const before = stored();
    const other = [...generatedChunks(2, 100_000, 7)];
    const err = await expectStatus(
      uploadChunks(h().clients.artifacts.raw, other, { declaredSha256: sha('0') }),
      status.INVALID_ARGUMENT,
      'trailer.sha256',
    );
    expect(err.details).toContain('upload rejected');
    await expectStatus(
      uploadChunks(h().clients.artifacts.raw, other, {
        digestIn: 'header',
        declaredSha256: sha256Of(other),
        declaredSize: 5,
      }),
      status.INVALID_ARGUMENT,
      'header.size',
    );
    await expectStatus(h().clients.artifacts.StatArtifact({ sha256: sha256Of(other) }), status.NOT_FOUND, 'sha256');
    expect(stored()).toEqual(before);
    expect(files(join(h().dataDir, 'artifacts', 'tmp'))).toEqual([]);
  });

  it('should answer NOT_FOUND and INVALID_ARGUMENT when the address is unknown or malformed', async () => {
    await expectStatus(downloadTo(h().clients.artifacts.raw, sha('9')), status.NOT_FOUND, 'sha256');
    await expectStatus(downloadTo(h().clients.artifacts.raw, '../../etc/passwd'), status.INVALID_ARGUMENT, 'sha256');
    await expectStatus(
      uploadChunks(h().clients.artifacts.raw, chunks, { declaredSha256: 'not-hex' }),
      status.INVALID_ARGUMENT,
      'trailer.sha256',
    );
  });

  it('should attach an uploaded artifact to a run and list it when the path is safe', async () => {
    const experiment = await h().clients.runs.CreateExperiment({ name: 'artifacts' });
    const run = await h().clients.runs.CreateRun({ experimentId: experiment.id });
    const attached = await h().clients.runs.LogArtifact({ runId: run.id, path: 'model/model.onnx', sha256: digest });
    expect(attached).toMatchObject({ path: 'model/model.onnx', sha256: digest, size: 1_500_000 });
    await expectStatus(
      h().clients.runs.LogArtifact({ runId: run.id, path: 'model/model.onnx', sha256: digest }),
      status.ALREADY_EXISTS,
      'path',
    );
    expect((await h().clients.runs.ListRunArtifacts({ runId: run.id })).artifacts.map((a) => a.path)).toEqual([
      'model/model.onnx',
    ]);
    // A model version can take its URI from the store.
    const model = await h().clients.models.CreateRegisteredModel({ name: 'stored' });
    const version = await h().clients.models.CreateModelVersion({
      model: model.name,
      runId: run.id,
      snapshotSha256: sha('a'),
      artifactSha256: digest,
      format: 'MODEL_FORMAT_ONNX',
      signature: {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
      },
    });
    expect(version.artifactUri).toBe(attached.uri);
  });
}

describeEachRegistry('artifact store on the filesystem over gRPC', (h) => {
  artifactSuite(h, () => files(join(h().dataDir, 'artifacts', 'sha256')));

  it('should end the download with DATA_LOSS when the stored bytes were altered', async () => {
    const path = fileURLToPath((await h().clients.artifacts.StatArtifact({ sha256: digest })).uri);
    expect(path.startsWith(join(h().dataDir, 'artifacts', 'sha256'))).toBe(true);
    writeFileSync(path, Buffer.alloc(1_500_000, 1));
    await expectStatus(downloadTo(h().clients.artifacts.raw, digest), status.DATA_LOSS);
  });
});

describe('artifact store on S3 (s3rver) over gRPC', () => {
  const s3Dir = mkdtempSync(join(tmpdir(), 'keel-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: 'keel-artifacts' }],
  });
  let harness: RegistryHarness | undefined;
  beforeAll(async () => {
    const { port } = await server.run();
    harness = await startRegistry('sqlite', {
      KEEL_ARTIFACT_BACKEND: 's3',
      KEEL_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      KEEL_S3_BUCKET: 'keel-artifacts',
      KEEL_S3_PREFIX: 'team-a/',
      KEEL_S3_ACCESS_KEY_ID: 'S3RVER',
      KEEL_S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await server.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });
  const h = () => harness!;
  artifactSuite(h, () => files(join(s3Dir, 'keel-artifacts')).filter((f) => !f.startsWith('.')));

  it('should address objects by s3 URI under the configured prefix when stored', async () => {
    const info = await h().clients.artifacts.StatArtifact({ sha256: digest });
    expect(info.uri).toBe(`s3://keel-artifacts/team-a/sha256/${digest.slice(0, 2)}/${digest}`);
  });
});
