import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { patchFromRequest, settingsToProto, type MonitorView } from './monitors.mapper';
import { MonitorQueries } from './monitor-queries.service';

function toProto(m: MonitorView) {
  return { ...m, settings: settingsToProto(m.settings) };
}

/** The scope each keel.monitoring.v1.MonitorService method needs (docs/security.md). */
export const MONITOR_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.monitoring.v1.MonitorService']> = {
  ListMonitors: 'read',
  GetMonitor: 'read',
  SetMonitor: 'admin',
};

/** keel.monitoring.v1.MonitorService: translates messages and delegates to MonitorQueries. */
@Injectable()
export class MonitorsGrpcController implements OnModuleInit {
  constructor(
    private readonly monitors: MonitorQueries,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.MonitorService',
      {
        ListMonitors: async (req) => ({ monitors: (await this.monitors.list(req.activeOnly)).map(toProto) }),
        GetMonitor: async (req) => toProto(await this.monitors.get(req.model)),
        SetMonitor: async (req) => toProto(await this.monitors.set(req.model, patchFromRequest(req), req.reset)),
      },
      MONITOR_RPC_SCOPES,
    );
  }
}
