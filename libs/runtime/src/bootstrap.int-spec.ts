import { KEEL_VERSION } from '@keel/contracts';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module, Param, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@keel/domain';
import { freePort, grpcHealthCheck, isListening } from '@keel/testing';
import { DatabaseModule } from './database/database.module';
import { serviceSettings } from './config/service-settings';
import { startService, type ServiceDefinition } from './bootstrap';

class WidgetError extends DomainError<'WIDGET_NOT_FOUND'> {
  constructor(name: string) {
    super('WIDGET_NOT_FOUND', 'not-found', `widget "${name}" not found`, 'name');
  }
}

@Controller('widgets')
class WidgetsHttpController {
  @Get(':name')
  get(@Param('name') name: string): never {
    throw new WidgetError(name);
  }
}

@Module({ imports: [DatabaseModule.forRoot({ entities: [], migrations: [] })], controllers: [WidgetsHttpController] })
class ProbeModule {}

/** A provider whose shutdown waits on a dependency that never answers (a client still retrying its connect). */
class StuckOnClose implements OnModuleDestroy {
  onModuleDestroy(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 60_000).unref());
  }
}

@Module({ providers: [StuckOnClose] })
class StuckModule {}

const settings = serviceSettings('probe', { grpc: 0, http: 0 });
const probe: ServiceDefinition<typeof settings> = { name: 'probe', settings, protos: [], module: () => ProbeModule };

describe('startService', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-probe-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should serve health and readiness in-process and release its ports when stopped', async () => {
    const svc = await startService(probe, { env: { KEEL_DATA_DIR: dataDir, KEEL_LOG_LEVEL: 'warn' } });
    try {
      expect(await grpcHealthCheck(`127.0.0.1:${svc.grpcPort}`)).toBe('SERVING');
      const ready = await fetch(`http://127.0.0.1:${svc.httpPort}/readyz`);
      expect(await ready.json()).toEqual({
        service: 'probe',
        version: KEEL_VERSION,
        ready: true,
        checks: { lifecycle: 'ok', database: 'ok' },
      });
      const missing = await fetch(`http://127.0.0.1:${svc.httpPort}/widgets/gear`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: 'widget "gear" not found',
        code: 'WIDGET_NOT_FOUND',
        field: 'name',
      });
    } finally {
      await svc.stop();
    }
    expect(await isListening(svc.grpcPort)).toBe(false);
    expect(await isListening(svc.httpPort)).toBe(false);
  });

  it('should fail and free the gRPC port when the HTTP port is taken', async () => {
    const grpcPort = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const httpPort = (taken.address() as { port: number }).port;
    try {
      await expect(
        startService(probe, {
          env: {
            KEEL_DATA_DIR: dataDir,
            KEEL_LOG_LEVEL: 'fatal',
            KEEL_PROBE_GRPC_PORT: String(grpcPort),
            KEEL_PROBE_HTTP_PORT: String(httpPort),
          },
        }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(await isListening(grpcPort)).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('should report a taken gRPC port within seconds even when a module is slow to close', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const grpcPort = (taken.address() as { port: number }).port;
    const stuck: ServiceDefinition<typeof settings> = { ...probe, module: () => StuckModule };
    const started = Date.now();
    try {
      await expect(
        startService(stuck, {
          env: {
            KEEL_DATA_DIR: dataDir,
            KEEL_LOG_LEVEL: 'fatal',
            KEEL_PROBE_GRPC_PORT: String(grpcPort),
            KEEL_PROBE_HTTP_PORT: String(await freePort()),
          },
        }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      taken.close();
    }
  });
});
