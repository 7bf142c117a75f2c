import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { downloadTo, ingestionClients, registryClients } from '@keel/clients';
import { startBroker, startServiceProcess, WORKSPACE_ROOT, type ServiceProcess, type TestBroker } from '@keel/testing';

// Names and paths that must never become a way in: every one is refused with INVALID_ARGUMENT naming the
// field, and nothing appears outside the services' data dirs.
const ESCAPE = `keel-escape-${process.pid}`;
const HOSTILE = [
  `../${ESCAPE}`,
  `../../${ESCAPE}`,
  `/tmp/${ESCAPE}`,
  `a/../../${ESCAPE}`,
  `..%2f${ESCAPE}`,
  `%2e%2e%2f${ESCAPE}`,
  `%252e%252e%252f${ESCAPE}`,
  `..%5c${ESCAPE}`,
  `%c0%ae%c0%ae/${ESCAPE}`,
  `..\\${ESCAPE}`,
  `C:\\${ESCAPE}`,
  `\\\\server\\${ESCAPE}`,
  `file:///tmp/${ESCAPE}`,
  `..\u0000/${ESCAPE}`,
  `a\u0000b`,
  'a%00b',
  '..',
  '.',
  '.hidden',
  'a\\..\\b',
  'UPPER',
  ' leading-space',
  'x'.repeat(64),
  '',
  'name\nwith-newline',
  '\u202eevil',
];

async function refused(what: string, call: Promise<unknown>, field: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: ServiceError) => e,
  );
  if (!err) throw new Error(`${what} was accepted`);
  expect(status[err!.code]).toBe('INVALID_ARGUMENT');
  expect(err!.metadata.get('keel-field')).toEqual([field]);
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
}

describe('inputs that must not become a way in', () => {
  let broker: TestBroker;
  let registry: ServiceProcess;
  let ingestion: ServiceProcess;
  const secret = `S3cr3t-${process.pid}-pw`;

  beforeAll(async () => {
    broker = await startBroker();
    const kafka = { KEEL_KAFKA_BROKERS: broker.brokers.join(',') };
    // PostgreSQL here trusts every local connection, so a password in the URL is accepted and must stay secret.
    const url = process.env['KEEL_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    const withPassword = url.replace('postgres://postgres@', `postgres://postgres:${secret}@`);
    registry = await startServiceProcess('registry', { env: { ...kafka, KEEL_DATABASE_URL: withPassword } });
    ingestion = await startServiceProcess('ingestion', {
      env: { ...kafka, KEEL_REGISTRY_ADDRESS: registry.grpcAddress },
    });
  }, 120_000);
  afterAll(async () => {
    await ingestion?.stop();
    await registry?.stop();
    await broker?.stop();
  });

  it('should refuse every hostile name on every create call, naming the field, and write nothing outside the data dirs', async () => {
    const r = registryClients(registry.grpcAddress, { deadlineMs: 10_000 });
    const i = ingestionClients(ingestion.grpcAddress, { deadlineMs: 10_000 });
    try {
      for (const name of HOSTILE) {
        await refused(
          `CreateRegisteredModel ${JSON.stringify(name)}`,
          r.models.CreateRegisteredModel({ name }),
          'name',
        );
        await refused(
          `registry CreateDataset ${JSON.stringify(name)}`,
          r.datasets.CreateDataset({ name, target: 'y' }),
          'name',
        );
        await refused(`CreateExperiment ${JSON.stringify(name)}`, r.runs.CreateExperiment({ name }), 'name');
        await refused(
          `ingestion CreateDataset ${JSON.stringify(name)}`,
          i.datasets.CreateDataset({
            name,
            target: 'y',
            columns: [{ name: 'y', type: 'COLUMN_TYPE_NUMERIC', required: true }],
          }),
          'name',
        );
        await refused(`StatArtifact ${JSON.stringify(name)}`, r.artifacts.StatArtifact({ sha256: name }), 'sha256');
      }
    } finally {
      r.close();
      i.close();
    }
    for (const dir of [tmpdir(), join(registry.dataDir, '..'), join(ingestion.dataDir, '..'), '/tmp'])
      expect(existsSync(join(dir, ESCAPE))).toBe(false);
    for (const f of [...files(registry.dataDir), ...files(ingestion.dataDir)])
      expect(basename(f)).not.toContain(ESCAPE);
  });

  it('should refuse hostile names and paths in every other field that reaches the filesystem', async () => {
    const r = registryClients(registry.grpcAddress, { deadlineMs: 10_000 });
    const i = ingestionClients(ingestion.grpcAddress, { deadlineMs: 10_000 });
    const sig = { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }], outputs: [] };
    try {
      // The PostgreSQL database outlives the run: names of this run are its own.
      const fuzz = `fuzz-${process.pid}-${Date.now()}`;
      const experiment = await r.runs.CreateExperiment({ name: fuzz });
      const run = await r.runs.CreateRun({ experimentId: experiment.id });
      await r.models.CreateRegisteredModel({ name: fuzz });
      // Relative artifact paths inside a run may hold letters, dots and slashes, but never climb or start at a root.
      const PATHS = HOSTILE.filter((h) => !/^(UPPER|\.hidden| leading-space|x+|\u202eevil)$/.test(h)).concat([
        `model/../../${ESCAPE}`,
        `/etc/${ESCAPE}`,
        `./../${ESCAPE}`,
      ]);
      for (const name of HOSTILE) {
        const n = JSON.stringify(name);
        await refused(`registry GetDataset ${n}`, r.datasets.GetDataset({ name }), 'name');
        await refused(`GetRegisteredModel ${n}`, r.models.GetRegisteredModel({ name }), 'name');
        await refused(`SetAlias model ${n}`, r.models.SetAlias({ model: name, alias: 'prod', version: 1 }), 'model');
        await refused(`SetAlias alias ${n}`, r.models.SetAlias({ model: fuzz, alias: name, version: 1 }), 'alias');
        await refused(
          `RegisterSnapshot dataset ${n}`,
          r.datasets.RegisterSnapshot({ dataset: name, sha256: 'a'.repeat(64), rows: 1, profileJson: '{}' }),
          'dataset',
        );
        await refused(
          `CreateModelVersion artifact_sha256 ${n}`,
          r.models.CreateModelVersion({
            model: fuzz,
            runId: run.id,
            snapshotSha256: 'a'.repeat(64),
            artifactSha256: name,
            format: 'MODEL_FORMAT_ONNX',
            signature: sig,
          }),
          'artifact_sha256',
        );
        await refused(
          `LogArtifact sha256 ${n}`,
          r.runs.LogArtifact({ runId: run.id, path: 'model.onnx', sha256: name }),
          'sha256',
        );
        await refused(`Download ${n}`, downloadTo(r.artifacts.raw, name), 'sha256');
        await refused(`ingestion GetDataset ${n}`, i.datasets.GetDataset({ name }), 'name');
        await refused(`ingestion CreateSnapshot ${n}`, i.datasets.CreateSnapshot({ dataset: name }), 'dataset');
        await refused(`ingestion ListSnapshots ${n}`, i.datasets.ListSnapshots({ dataset: name }), 'dataset');
      }
      for (const path of PATHS)
        await refused(
          `LogArtifact path ${JSON.stringify(path)}`,
          r.runs.LogArtifact({ runId: run.id, path, sha256: 'a'.repeat(64) }),
          'path',
        );

      // A symbolic link planted in the artifact store under a valid address is refused, never followed.
      const outside = join(tmpdir(), `${ESCAPE}-secret.txt`);
      writeFileSync(outside, 'outside the store');
      const sha = 'c'.repeat(64);
      const dir = join(registry.dataDir, 'artifacts', 'sha256', 'cc');
      mkdirSync(dir, { recursive: true });
      symlinkSync(outside, join(dir, sha));
      try {
        await refused('StatArtifact of a symlink', r.artifacts.StatArtifact({ sha256: sha }), 'sha256');
        await refused('Download of a symlink', downloadTo(r.artifacts.raw, sha), 'sha256');
      } finally {
        rmSync(join(dir, sha), { force: true });
        rmSync(outside, { force: true });
      }
    } finally {
      r.close();
      i.close();
    }
    for (const dir of [tmpdir(), join(registry.dataDir, '..'), join(ingestion.dataDir, '..'), '/tmp'])
      expect(existsSync(join(dir, ESCAPE))).toBe(false);
    for (const f of [...files(registry.dataDir), ...files(ingestion.dataDir)])
      expect(basename(f)).not.toContain(ESCAPE);
  });

  it('should keep a password out of logs, /metrics, /readyz and keel status', async () => {
    const metrics = await (await fetch(`${registry.httpUrl}/metrics`)).text();
    const ready = await (await fetch(`${registry.httpUrl}/readyz`)).text();
    const status = await new Promise<string>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          join(WORKSPACE_ROOT, 'tools/register-ts.cjs'),
          join(WORKSPACE_ROOT, 'apps/cli/src/main.ts'),
          'status',
          '--json',
        ],
        {
          cwd: WORKSPACE_ROOT,
          env: {
            ...process.env,
            KEEL_REGISTRY_HTTP_PORT: String(registry.httpPort),
            KEEL_REGISTRY_GRPC_PORT: String(registry.grpcPort),
          },
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', () => resolve(out));
    });
    expect(registry.output()).toContain('"msg":"registry started"');
    expect(JSON.parse(status)).toMatchObject({ processes: expect.any(Array) });
    for (const text of [registry.output(), metrics, ready, status]) expect(text).not.toContain(secret);
  });
});

afterAll(() => {
  // Belt and braces: if a hostile name ever got through, leave no trace behind for the next run.
  rmSync(join(tmpdir(), ESCAPE), { recursive: true, force: true });
});
