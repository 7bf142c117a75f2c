import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Module } from '@nestjs/common';
import { DatabaseModule } from './database/database.module';
import { serviceSettings } from './config/service-settings';
import { startService, type RunningService, type ServiceDefinition } from './bootstrap';

@Module({ imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })] })
class ProbeModule {}

const settings = serviceSettings('probe', { grpc: 0, http: 0 });
const probe: ServiceDefinition<typeof settings> = { name: 'probe', settings, protos: [], module: () => ProbeModule };

/** grpc.health.v1.HealthCheckRequest { service = 1 } encoded by hand: any size, no proto loading. */
function healthRequest(service: string): Buffer {
  const body = Buffer.from(service);
  const len: number[] = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

function check(address: string, service: string): Promise<grpc.status> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  });
  return new Promise<grpc.status>((resolve) =>
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (b: Buffer) => b,
      (b: Buffer) => b,
      healthRequest(service),
      new grpc.Metadata(),
      { deadline: Date.now() + 10_000 },
      (err) => {
        client.close();
        resolve(err ? err.code : grpc.status.OK);
      },
    ),
  );
}

describe('request limits on every service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-limits-'));
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService(probe, {
      env: {
        KEEL_DATA_DIR: dataDir,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_GRPC_MAX_MESSAGE_BYTES: String(64 * 1024),
        KEEL_HTTP_HEADERS_TIMEOUT_MS: '1000',
        KEEL_HTTP_REQUEST_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should answer a gRPC request over the size limit with RESOURCE_EXHAUSTED, promptly, and keep serving', async () => {
    const address = `127.0.0.1:${svc.grpcPort}`;
    const started = Date.now();
    expect(grpc.status[await check(address, 'x'.repeat(128 * 1024))]).toBe('RESOURCE_EXHAUSTED');
    expect(Date.now() - started).toBeLessThan(5000);
    // Under the limit the same call is served (an unknown service name is NOT_FOUND, not a size error).
    expect(grpc.status[await check(address, 'y'.repeat(32 * 1024))]).toBe('NOT_FOUND');
    expect(grpc.status[await check(address, '')]).toBe('OK');
  });

  it('should cut off an HTTP client that trickles its headers (slowloris) at the headers timeout', async () => {
    const socket = connect(svc.httpPort, '127.0.0.1');
    const started = Date.now();
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // One more header line every 200 ms: each byte arrives well within any idle timeout, the headers never end.
    const trickle = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
    const closedAfter = await new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    clearInterval(trickle);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    expect(closedAfter).toBeLessThan(4000);
    // A normal client is still served.
    expect((await fetch(`http://127.0.0.1:${svc.httpPort}/healthz`)).status).toBe(200);
  });
});
