import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import type { AlertView } from '../windows/windows.mapper';
import { AlertQueries } from './alert-queries.service';

function alertToProto(a: AlertView) {
  return {
    ...a,
    windowId: a.window.id,
    windowFromMs: a.window.fromMs,
    windowToMs: a.window.toMs,
    windowRows: a.window.rows,
    evidenceJson: JSON.stringify(a.evidence),
    retrainJobId: a.retrainJobId ?? '',
    resolvedAtMs: a.resolvedAtMs ?? 0,
  };
}

/** The scope each keel.monitoring.v1.AlertService method needs (docs/security.md). */
export const ALERT_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.monitoring.v1.AlertService']> = {
  ListAlerts: 'read',
  ListDeliveries: 'read',
};

/** keel.monitoring.v1.AlertService: translates and delegates to AlertQueries. */
@Injectable()
export class AlertsGrpcController implements OnModuleInit {
  constructor(
    private readonly queries: AlertQueries,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.AlertService',
      {
        ListAlerts: async (req) => ({
          alerts: (await this.queries.alerts(req.model, req.status, req.limit)).map(alertToProto),
        }),
        ListDeliveries: async (req) => ({ deliveries: await this.queries.deliveries(req.alertId, req.limit) }),
      },
      ALERT_RPC_SCOPES,
    );
  }
}
