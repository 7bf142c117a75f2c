import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ListAlertsRequest__Output, ListDeliveriesRequest__Output } from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
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

/** keel.monitoring.v1.AlertService: translates and delegates to AlertQueries. */
@Injectable()
export class AlertsGrpcController implements OnModuleInit {
  constructor(
    private readonly queries: AlertQueries,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.AlertService',
      unaryHandlers(
        {
          ListAlerts: async (req: ListAlertsRequest__Output) => ({
            alerts: (await this.queries.alerts(req.model, req.status, req.limit)).map(alertToProto),
          }),
          ListDeliveries: async (req: ListDeliveriesRequest__Output) => ({
            deliveries: await this.queries.deliveries(req.alertId, req.limit),
          }),
        },
        this.logger,
      ),
    );
  }
}
