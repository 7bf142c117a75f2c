import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { GrpcServiceHandlers, monitoringV1 } from '@keel/contracts';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { DriftQueries } from './drift-queries.service';
import type { DriftWindowView, FeatureDriftView } from './windows.mapper';

function featureToProto(f: FeatureDriftView): monitoringV1.FeatureDrift {
  const { statistics, score, ...rest } = f;
  return { ...rest, ...(score !== null ? { score } : {}), statisticsJson: JSON.stringify(statistics) };
}

function windowToProto(w: DriftWindowView) {
  return {
    ...w,
    features: w.features.map(featureToProto),
    prediction: w.prediction ? featureToProto(w.prediction) : null,
  };
}

/** The scope each keel.monitoring.v1.DriftService method needs (docs/security.md). */
export const DRIFT_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.monitoring.v1.DriftService']> = {
  ListWindows: 'read',
  GetDriftReport: 'read',
  ListPerformance: 'read',
};

/** keel.monitoring.v1.DriftService: translates and delegates to DriftQueries. */
@Injectable()
export class DriftGrpcController implements OnModuleInit {
  constructor(
    private readonly queries: DriftQueries,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.DriftService',
      {
        ListWindows: async (req) => ({
          windows: (await this.queries.windows(req.model, req.limit)).map(windowToProto),
        }),
        GetDriftReport: async (req) => windowToProto(await this.queries.report(req.model, req.windowId || undefined)),
        ListPerformance: async (req) => ({
          windows: (await this.queries.performance(req.model, req.limit)).map((w) => ({
            ...w,
            auc: w.auc ?? undefined,
            baseline: w.baseline ?? undefined,
          })),
        }),
      },
      DRIFT_RPC_SCOPES,
    );
  }
}
