import { execFile } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { registryClients, trainingClients } from '@keel/clients';
import { GRPC_PACKAGE_PROTOS, type GrpcPackage } from '@keel/contracts';
import { protoFiles, protoRoot } from '@keel/runtime';
import {
  grpcHealthCheck,
  listGrpcServices,
  startBroker,
  startServiceProcess,
  waitFor,
  WORKSPACE_ROOT,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';

// Every service started as a process with KEEL_AUTH=on, every RPC of every service called over real gRPC
// with no token and with a token of each scope: the scope each RPC needs is the one in this table, a
// token without it gets PERMISSION_DENIED naming it, and no token gets UNAUTHENTICATED.
type Need = 'read' | 'write' | 'admin' | 'infer' | 'open';
const r = 'read',
  w = 'write',
  a = 'admin';
const EXPECTED: Record<string, Record<string, Need>> = {
  'keel.registry.v1.DatasetService': {
    ...{ CreateDataset: w, GetDataset: r, ListDatasets: r, RegisterSnapshot: w, GetSnapshot: r, ListSnapshots: r },
  },
  'keel.registry.v1.RunService': {
    ...{ CreateExperiment: w, GetExperiment: r, ListExperiments: r, CreateRun: w, GetRun: r, UpdateRun: w },
    ...{ EndRun: w, LogBatch: w, GetMetricHistory: r, SearchRuns: r, CompareRuns: r, LogArtifact: w },
    ListRunArtifacts: r,
  },
  'keel.registry.v1.ModelService': {
    ...{ CreateRegisteredModel: w, GetRegisteredModel: r, UpdateRegisteredModel: w, ListRegisteredModels: r },
    ...{ CreateModelVersion: w, GetModelVersion: r, GetModelVersionByAlias: r, UpdateModelVersion: w },
    ...{ ArchiveModelVersion: a, ListModelVersions: r, SetAlias: a, DeleteAlias: a, ListAliasHistory: r },
  },
  'keel.registry.v1.LineageService': { GetModelLineage: r, ListSnapshotModels: r },
  'keel.registry.v1.ArtifactService': { Upload: w, Download: r, StatArtifact: r },
  'keel.registry.v1.AuthService': { CreateToken: a, ListTokens: a, RevokeToken: a, VerifyToken: 'open' },
  'keel.registry.v1.AuditService': { ListAuditEntries: r },
  'keel.ingestion.v1.DatasetService': {
    ...{ CreateDataset: w, UpdateSchema: w, GetDataset: r, ListDatasets: r, CreateSnapshot: w, GetSnapshot: r },
    ListSnapshots: r,
  },
  'keel.training.v1.TrainingService': {
    ...{ SubmitJob: w, GetJob: r, ListJobs: r, CancelJob: w, WatchJob: r, SetTrainingPolicy: a },
    GetTrainingPolicy: r,
  },
  'keel.training.v1.PromotionService': { SetPromotionPolicy: a, GetPromotionPolicy: r, Promote: a, Rollback: a },
  'inference.GRPCInferenceService': {
    ...{ ServerLive: 'open', ServerReady: 'open', ModelReady: 'infer', ServerMetadata: 'infer' },
    ...{ ModelMetadata: 'infer', ModelInfer: 'infer', ModelStreamInfer: 'infer', RepositoryIndex: r },
    ...{ RepositoryModelLoad: a, RepositoryModelUnload: a },
  },
  'keel.monitoring.v1.MonitorService': { ListMonitors: r, GetMonitor: r, SetMonitor: a },
  'keel.monitoring.v1.DriftService': { ListWindows: r, GetDriftReport: r, ListPerformance: r },
  'keel.monitoring.v1.AlertService': { ListAlerts: r, ListDeliveries: r },
};
const SERVES: Record<string, GrpcPackage> = {
  registry: 'keel.registry.v1',
  ingestion: 'keel.ingestion.v1',
  training: 'keel.training.v1',
  inference: 'inference',
  monitoring: 'keel.monitoring.v1',
};
const SCOPES = ['read', 'write', 'admin', 'infer'] as const;
const ADMIN = `e2e-admin-${process.pid}-0123456789`;
const AUTH_ENV = { KEEL_AUTH: 'on', KEEL_AUTH_CACHE_MS: '1000', KEEL_LOG_LEVEL: 'warn' };

interface Method {
  path: string;
  service: string;
  name: string;
  requestStream: boolean;
  responseStream: boolean;
}

function methodsOf(pkg: GrpcPackage): Method[] {
  const def = protoLoader.loadSync(protoFiles(GRPC_PACKAGE_PROTOS[pkg]), { includeDirs: [protoRoot()] });
  const out: Method[] = [];
  for (const [service, node] of Object.entries(def)) {
    if (!service.startsWith(`${pkg}.`) || 'format' in node) continue;
    for (const [name, m] of Object.entries(node as grpc.ServiceDefinition))
      out.push({ path: m.path, service, name, requestStream: m.requestStream, responseStream: m.responseStream });
  }
  return out;
}

/** Calls a method with an empty message (valid for every proto message) and resolves with the final status. */
function callStatus(address: string, m: Method, token?: string): Promise<{ code: grpc.status; details: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  const opts = { deadline: Date.now() + 5000 };
  const id = (b: Buffer) => b;
  const empty = Buffer.alloc(0);
  return new Promise((resolve) => {
    let call: grpc.ClientUnaryCall | grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>;
    const done = (err: grpc.ServiceError | null) => resolve({ code: err?.code ?? 0, details: err?.details ?? '' });
    if (!m.requestStream && !m.responseStream) call = client.makeUnaryRequest(m.path, id, id, empty, md, opts, done);
    else if (m.requestStream && !m.responseStream) {
      const c = client.makeClientStreamRequest(m.path, id, id, md, opts, done);
      c.end();
      call = c;
    } else {
      const c: grpc.ClientReadableStream<Buffer> = m.requestStream
        ? client.makeBidiStreamRequest(m.path, id, id, md, opts).end()
        : client.makeServerStreamRequest(m.path, id, id, empty, md, opts);
      c.on('data', () => undefined);
      c.on('error', () => undefined);
      c.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details }));
      call = c;
    }
    call.on('status', () => client.close());
  });
}

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) =>
    execFile(
      process.execPath,
      ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', ...args],
      { cwd: WORKSPACE_ROOT, timeout: 60_000, env: { ...process.env, KEEL_TOKEN: '', ...env } },
      (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe('scoped bearer tokens on every service (KEEL_AUTH=on)', () => {
  let broker: TestBroker;
  const svc: Record<string, ServiceProcess> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    broker = await startBroker();
    const kafka = { KEEL_KAFKA_BROKERS: broker.brokers.join(',') };
    svc['registry'] = await startServiceProcess('registry', {
      env: { ...kafka, ...AUTH_ENV, KEEL_ADMIN_TOKEN: ADMIN },
    });
    const deps = { ...kafka, ...AUTH_ENV, KEEL_REGISTRY_ADDRESS: svc['registry'].grpcAddress, KEEL_TOKEN: ADMIN };
    await Promise.all(
      ['ingestion', 'training', 'inference', 'monitoring'].map(async (name) => {
        svc[name] = await startServiceProcess(name, { env: deps, readyTimeoutMs: 90_000 });
      }),
    );
    const admin = registryClients(svc['registry'].grpcAddress, { token: ADMIN });
    for (const scope of SCOPES)
      tokens[scope] = (await admin.auth.CreateToken({ name: `e2e-${scope}`, scopes: [scope] })).secret;
    admin.close();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(Object.values(svc).map((s) => s.stop()));
    await broker?.stop();
  });

  it.each(Object.keys(SERVES))('should ask every RPC of %s for its scope', async (name) => {
    const address = svc[name]!.grpcAddress;
    const seen: Record<string, Record<string, Need>> = {};
    for (const m of methodsOf(SERVES[name]!)) {
      const [none, ...withScope] = await Promise.all([
        callStatus(address, m),
        ...SCOPES.map((s) => callStatus(address, m, tokens[s])),
      ]);
      // Refusals by the auth layer (VerifyToken's own UNAUTHENTICATED answers the empty secret it was asked about).
      const refused = (s: { code: grpc.status; details: string }) =>
        s.code === grpc.status.PERMISSION_DENIED ||
        (s.code === grpc.status.UNAUTHENTICATED && s.details.includes('bearer token with the'));
      const allowed = SCOPES.filter((_, i) => !refused(withScope[i]!));
      let need: Need;
      if (!refused(none!)) need = 'open';
      else {
        expect([m.path, grpc.status[none!.code]]).toEqual([m.path, 'UNAUTHENTICATED']);
        const denial = withScope.find((s) => s.code === grpc.status.PERMISSION_DENIED);
        need = (/lacks the "(\w+)" scope/.exec(denial?.details ?? '')?.[1] ?? JSON.stringify(withScope)) as Need;
        // admin holds every scope and write holds read; each other token is refused with the scope named.
        const holders = { read: ['read', 'write', 'admin'], write: ['write', 'admin'], admin: ['admin'] };
        expect([m.path, allowed.sort()]).toEqual([m.path, (holders[need as 'read'] ?? [need, 'admin']).sort()]);
      }
      (seen[m.service] ??= {})[m.name] = need;
    }
    const expected = Object.fromEntries(Object.keys(seen).map((s) => [s, EXPECTED[s]]));
    expect(seen).toEqual(expected);
  });

  it('should keep health and metrics open, and let reflection follow read', async () => {
    for (const s of Object.values(svc)) {
      expect(await grpcHealthCheck(s.grpcAddress)).toBe('SERVING');
      expect((await fetch(`${s.httpUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${s.httpUrl}/readyz`)).status).toBe(200);
      expect((await fetch(`${s.httpUrl}/metrics`)).status).toBe(200);
      await expect(listGrpcServices(s.grpcAddress)).rejects.toThrow(/bearer token/);
      await expect(listGrpcServices(s.grpcAddress, 3000, tokens['infer'])).rejects.toThrow(/"read" scope/);
      expect(await listGrpcServices(s.grpcAddress, 3000, tokens['read'])).toContain('grpc.health.v1.Health');
    }
  });

  it('should answer 401 and 403 naming the scope on HTTP routes', async () => {
    const get = (url: string, token?: string) =>
      fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const v2 = `${svc['inference']!.httpUrl}/v2/models/nope`;
    expect((await get(v2)).status).toBe(401);
    const denied = await get(v2, tokens['read']);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).toContain('\\"infer\\" scope');
    expect((await get(v2, tokens['infer'])).status).toBe(404);
    expect((await get(`${svc['inference']!.httpUrl}/v2/health/live`)).status).toBe(200);
    const api = `${svc['monitoring']!.httpUrl}/api/alerts`;
    expect((await get(api)).status).toBe(401);
    expect((await get(api, tokens['infer'])).status).toBe(403);
    expect((await get(api, tokens['read'])).status).toBe(200);
    expect((await get(`${svc['monitoring']!.httpUrl}/`)).status).toBe(200);
  });

  it('should refuse a revoked token on the other services within their cache time', async () => {
    const admin = registryClients(svc['registry']!.grpcAddress, { token: ADMIN });
    const secret = (await admin.auth.CreateToken({ name: 'soon-revoked', scopes: ['read'] })).secret;
    const training = trainingClients(svc['training']!.grpcAddress, { token: secret });
    try {
      await training.jobs.ListJobs({});
      await admin.auth.RevokeToken({ token: 'soon-revoked' });
      await waitFor(
        () =>
          training.jobs.ListJobs({}).then(
            () => false,
            (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED,
          ),
        { timeoutMs: 5000, what: 'training to refuse the revoked token' },
      );
    } finally {
      training.close();
      admin.close();
    }
  });

  it('should create, list and revoke tokens from the CLI with KEEL_TOKEN', async () => {
    const env = { KEEL_REGISTRY_ADDRESS: svc['registry']!.grpcAddress, KEEL_DATA_DIR: svc['registry']!.dataDir };
    const admin = { ...env, KEEL_TOKEN: ADMIN };
    const made = await runCli(
      ['auth', 'token', 'create', '--name', 'cli-made', '--scopes', 'read,infer', '--json'],
      admin,
    );
    expect(made.code).toBe(0);
    const created = JSON.parse(made.stdout) as { name: string; scopes: string[]; token: string; expiresAt: null };
    expect(created).toMatchObject({ name: 'cli-made', scopes: ['read', 'infer'], expiresAt: null });
    expect(created.token).toMatch(/^keel_/);
    // A token without admin is refused, naming the scope; the admin token lists (never a secret) and revokes.
    const [denied, listed] = await Promise.all([
      runCli(['auth', 'token', 'list'], { ...env, KEEL_TOKEN: created.token }),
      runCli(['auth', 'token', 'list', '--json'], admin),
    ]);
    expect([denied.code, denied.stderr]).toEqual([1, expect.stringContaining('"admin" scope')]);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name)).toEqual(
      expect.arrayContaining(['admin', 'cli-made']),
    );
    expect(listed.stdout).not.toContain(created.token);
    const revoked = await runCli(['auth', 'token', 'revoke', 'cli-made'], admin);
    expect([revoked.code, revoked.stdout]).toEqual([0, expect.stringContaining('token "cli-made" revoked')]);
  }, 120_000);
});
