import { existsSync, readdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ingestionClients, registryClients } from '@keel/clients';
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
