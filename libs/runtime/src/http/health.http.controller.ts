import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { KEEL_VERSION } from '@keel/contracts';
import { ServiceMetrics } from '@keel/telemetry';
import { RequireScope } from '../auth/http-auth';
import { Readiness } from '../health/readiness';
import { SERVICE_NAME } from '../tokens';

@Controller()
export class HealthHttpController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @RequireScope('health')
  @HttpCode(200)
  healthz(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.service };
  }

  /** Readiness: 200 only when every dependency is ready and the service is not shutting down. */
  @Get('readyz')
  @RequireScope('health')
  async readyz(@Res() res: Response): Promise<void> {
    const report = await this.readiness.report();
    res.status(report.ready ? 200 : 503).json({ service: this.service, version: KEEL_VERSION, ...report });
  }

  @Get('metrics')
  @RequireScope('metrics')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.text());
  }
}
