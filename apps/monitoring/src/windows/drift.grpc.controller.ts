import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  FeatureDrift,
  GetDriftReportRequest__Output,
  ListPerformanceRequest__Output,
  ListWindowsRequest__Output,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { DriftQueries } from './drift-queries.service';
import type { DriftWindowView, FeatureDriftView } from './windows.mapper';

function featureToProto(f: FeatureDriftView): FeatureDrift {
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

/** keel.monitoring.v1.DriftService: translates and delegates to DriftQueries. */
@Injectable()
export class DriftGrpcController implements OnModuleInit {
  constructor(
    private readonly queries: DriftQueries,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.monitoring.v1.DriftService',
      unaryHandlers(
        {
          ListWindows: async (req: ListWindowsRequest__Output) => ({
            windows: (await this.queries.windows(req.model, req.limit)).map(windowToProto),
          }),
          GetDriftReport: async (req: GetDriftReportRequest__Output) =>
            windowToProto(await this.queries.report(req.model, req.windowId || undefined)),
          ListPerformance: async (req: ListPerformanceRequest__Output) => ({
            windows: (await this.queries.performance(req.model, req.limit)).map((w) => ({
              ...w,
              auc: w.auc ?? undefined,
              baseline: w.baseline ?? undefined,
            })),
          }),
        },
        this.logger,
      ),
    );
  }
}
