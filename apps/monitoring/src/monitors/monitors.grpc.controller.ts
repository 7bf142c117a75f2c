import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GetMonitorRequest__Output, SetMonitorRequest__Output } from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { settingsToProto, type MonitorView } from './monitors.mapper';
import { MonitorQueries } from './monitor-queries.service';

function toProto(m: MonitorView) {
  return { ...m, settings: settingsToProto(m.settings) };
}

/** keel.monitoring.v1.MonitorService: translates and delegates. */
@Injectable()
export class MonitorsGrpcController implements OnModuleInit {
  constructor(
    private readonly monitors: MonitorQueries,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.MonitorService',
      unaryHandlers(
        {
          ListMonitors: async () => ({ monitors: (await this.monitors.list()).map(toProto) }),
          GetMonitor: async (req: GetMonitorRequest__Output) => toProto(await this.monitors.get(req.model)),
          SetMonitor: async (req: SetMonitorRequest__Output) => toProto(await this.monitors.set(req)),
        },
        this.logger,
      ),
    );
  }
}
