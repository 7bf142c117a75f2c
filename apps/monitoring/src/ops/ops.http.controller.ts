// The ops page (served at / on the monitoring HTTP port) and the JSON it reads, plus /api/stream:
// server-sent events pushing every window, alert, performance window and throughput tick as it happens.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequireScope } from '@keel/runtime';
import { AlertQueries } from '../alerts/alert-queries.service';
import { LiveFeed, type LiveEventType } from '../common/live-feed';
import { MonitorQueries } from '../monitors/monitor-queries.service';
import { REGISTRY, type RegistryPort } from '../registry/registry.port';
import { DriftQueries } from '../windows/drift-queries.service';
import { WindowsService } from '../windows/windows.service';

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const METRIC_KEY = /^[A-Za-z0-9_.\-/ ]{1,250}$/;
// A client that lets this much unsent data pile up is dropped rather than buffered.
const MAX_BUFFERED = 1024 * 1024;

function publicDir(): string {
  for (const dir of [join(__dirname, 'public'), join(__dirname, 'ops', 'public')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(`ops page files not found beside ${__dirname}`);
}

// The page and its assets carry no data and stay open; every api/ route needs the read scope.
@Controller()
@RequireScope('read')
export class OpsHttpController {
  private readonly dir = publicDir();

  constructor(
    private readonly monitors: MonitorQueries,
    private readonly drift: DriftQueries,
    private readonly alerts: AlertQueries,
    private readonly windows: WindowsService,
    private readonly live: LiveFeed,
    @Inject(REGISTRY) private readonly registry: RegistryPort,
  ) {}

  @Get()
  @RequireScope('public')
  page(@Res() res: Response): void {
    res
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .send(readFileSync(join(this.dir, 'index.html')));
  }

  @Get('assets/:file')
  @RequireScope('public')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const type = ASSETS[file];
    if (!type) throw new NotFoundException(`no asset ${file}`);
    res.setHeader('Content-Type', type);
    res.send(readFileSync(join(this.dir, file)));
  }

  @Get('api/overview')
  async overview(): Promise<unknown> {
    const [monitors, models] = await Promise.all([
      this.monitors.list(),
      this.registry.models().catch((err: Error) => ({ error: err.message })),
    ]);
    return { monitors, models, throughput: this.windows.throughput.series(Date.now()) };
  }

  @Get('api/windows')
  windowsList(@Query('model') model?: string, @Query('limit') limit?: string): Promise<unknown> {
    return this.drift.windows(model, limit ? Number(limit) : undefined);
  }

  @Get('api/performance')
  performance(@Query('model') model?: string, @Query('limit') limit?: string): Promise<unknown> {
    return this.drift.performance(model, limit ? Number(limit) : undefined);
  }

  @Get('api/alerts')
  alertList(@Query('model') model?: string, @Query('limit') limit?: string): Promise<unknown> {
    return this.alerts.alerts(model, undefined, limit ? Number(limit) : undefined);
  }

  /** The registry's audit trail (admin actions), newest first; the registry's error when it cannot be read. */
  @Get('api/audit')
  audit(@Query('limit') limit?: string): Promise<unknown> {
    const n = Math.min(Math.max(Number(limit) || 50, 1), 200);
    return this.registry.auditEntries(n).catch((err: Error) => ({ error: err.message }));
  }

  @Get('api/runs/compare')
  compare(@Query('ids') ids = ''): Promise<unknown> {
    const runIds = ids.split(',').filter((id) => RUN_ID.test(id));
    if (runIds.length === 0) throw new NotFoundException('pass ?ids=<run id>,<run id>');
    return this.registry.runs(runIds.slice(0, 10));
  }

  @Get('api/runs/:id/metrics/:key')
  history(@Param('id') id: string, @Param('key') key: string): Promise<unknown> {
    if (!RUN_ID.test(id) || !METRIC_KEY.test(key)) throw new NotFoundException('unknown run or metric');
    return this.registry.metricHistory(id, key);
  }

  @Get('api/stream')
  stream(@Req() req: Request, @Res() res: Response): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const client = {
      send: (type: LiveEventType, data: unknown) => {
        if (res.writableLength > MAX_BUFFERED) return false;
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        return true;
      },
      close: () => res.end(),
    };
    const remove = this.live.add(client);
    const throughput = setInterval(() => {
      client.send('throughput', this.windows.throughput.series(Date.now(), 60));
    }, 2000);
    req.on('close', () => {
      clearInterval(throughput);
      remove();
    });
  }
}
