import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Server as GrpcServer, ServerCredentials } from '@grpc/grpc-js';
import { waitFor, WORKSPACE_ROOT } from '@keel/testing';

// Real OTLP receivers inside the test (HTTP on 127.0.0.1 and a gRPC server for the collector's
// TraceService/Export): a process started with OTEL_* variables must send its spans where, and how,
// they say. The spans come from otel-export.fixture.ts in a child process, as a service would send them.
interface Received {
  path: string;
  type: string;
  body: Buffer;
}

async function httpReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      received.push({ path: req.url ?? '', type, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': type }).end(type.includes('json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

async function grpcReceiver(): Promise<{ url: string; received: Buffer[]; server: GrpcServer }> {
  const received: Buffer[] = [];
  const server = new GrpcServer();
  const raw = (b: Buffer) => b;
  server.register<Buffer, Buffer>(
    '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    (call: { request: Buffer }, callback: (err: null, res: Buffer) => void) => {
      received.push(call.request);
      callback(null, Buffer.alloc(0));
    },
    raw,
    raw,
    'unary',
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { url: `http://127.0.0.1:${port}`, received, server };
}

interface Emitted {
  exporting: boolean;
  disabled: boolean;
  recording: boolean[];
  problems: string[];
}

/** Starts telemetry in a child process with exactly these OTEL_* variables and ends one span per name. */
async function emit(env: Record<string, string>, ...spans: string[]): Promise<Emitted> {
  const otelFree = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', join(WORKSPACE_ROOT, 'tools/register-ts.cjs'), join(__dirname, 'otel-export.fixture.ts'), ...spans],
    { env: { ...otelFree, ...env, OTEL_BSP_SCHEDULE_DELAY: '50' }, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Emitted;
}

describe('OTLP export configured by OTEL_* variables', () => {
  it('should send OTLP/JSON to <endpoint>/v1/traces with the service name and resource attributes', async () => {
    const rx = await httpReceiver();
    try {
      const out = await emit(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: `${rx.url}/base/`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'keel-json-test',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci,team=ml%20ops',
        },
        'json-span',
      );
      expect(out).toMatchObject({ exporting: true, disabled: false, problems: [] });
      const batch = await waitFor(() => rx.received[0], { timeoutMs: 10_000, what: 'an OTLP/JSON export' });
      expect(batch.path).toBe('/base/v1/traces');
      expect(batch.type).toContain('application/json');
      const body = JSON.parse(batch.body.toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { name: string }[] }[];
        }[];
      };
      const [rs] = body.resourceSpans;
      const attrs = Object.fromEntries(rs!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
      expect(attrs).toMatchObject({
        'service.name': 'keel-json-test',
        'service.namespace': 'keel',
        'deployment.environment.name': 'ci',
        team: 'ml ops',
      });
      expect(rs!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(['json-span']);
    } finally {
      rx.server.close();
    }
  });

  it('should send OTLP/protobuf to the traces endpoint as given, over the generic one', async () => {
    const rx = await httpReceiver();
    try {
      await emit(
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${rx.url}/custom/path`,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x.invalid:1',
        },
        'proto-span',
      );
      const batch = await waitFor(() => rx.received[0], { timeoutMs: 10_000, what: 'an OTLP/protobuf export' });
      expect(batch.path).toBe('/custom/path');
      expect(batch.type).toBe('application/x-protobuf');
      expect(batch.body.toString('latin1')).toContain('keel-spec');
      expect(batch.body.toString('latin1')).toContain('proto-span');
    } finally {
      rx.server.close();
    }
  });

  it('should send OTLP over gRPC when the protocol is grpc', async () => {
    const rx = await grpcReceiver();
    try {
      await emit({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'grpc-span');
      const request = await waitFor(() => rx.received[0], { timeoutMs: 10_000, what: 'an OTLP/gRPC export' });
      expect(request.toString('latin1')).toContain('keel-spec');
      expect(request.toString('latin1')).toContain('grpc-span');
    } finally {
      rx.server.forceShutdown();
    }
  });

  it('should sample by OTEL_TRACES_SAMPLER and record nothing when OTEL_SDK_DISABLED=true', async () => {
    const rx = await httpReceiver();
    try {
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url };
      const none = await emit({ ...env, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, 'a', 'b');
      expect(none.recording).toEqual([false, false]);
      const off = await emit({ ...env, OTEL_TRACES_SAMPLER: 'always_off' }, 'dropped-off');
      expect(off.recording).toEqual([false]);
      const disabled = await emit({ ...env, OTEL_SDK_DISABLED: 'true' }, 'dropped-disabled');
      expect(disabled).toMatchObject({ disabled: true, exporting: false, recording: [false] });
      // The same receiver then gets a sampled span, so it was listening all along.
      const kept = await emit(
        { ...env, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' },
        'kept',
      );
      expect(kept.recording).toEqual([true]);
      const batch = await waitFor(() => rx.received[0], { timeoutMs: 10_000, what: 'the sampled span' });
      expect(rx.received).toHaveLength(1);
      expect(batch.body.toString('latin1')).toContain('kept');
      expect(batch.body.toString('latin1')).not.toContain('dropped');
    } finally {
      rx.server.close();
    }
  });

  it('should list ignored values and keep running when a setting is invalid', async () => {
    const out = await emit({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift', OTEL_TRACES_SAMPLER: 'sometimes' }, 'x');
    expect(out.exporting).toBe(false);
    expect(out.recording).toEqual([true]);
    expect(out.problems).toEqual([
      expect.stringMatching(/^OTEL_TRACES_SAMPLER: /),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL: /),
    ]);
  });
});
