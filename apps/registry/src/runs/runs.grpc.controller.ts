import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  CompareRunsRequest__Output,
  CreateExperimentRequest__Output,
  CreateRunRequest__Output,
  EndRunRequest__Output,
  GetExperimentRequest__Output,
  GetMetricHistoryRequest__Output,
  GetRunRequest__Output,
  ListExperimentsRequest__Output,
  ListRunArtifactsRequest__Output,
  LogArtifactRequest__Output,
  LogBatchRequest__Output,
  SearchRunsRequest__Output,
  UpdateRunRequest__Output,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { comparisonToProto, experimentToProto, metricToProto, runArtifactToProto, runToProto } from './runs.mapper';
import { RunsService } from './runs.service';

/** keel.registry.v1.RunService: translates messages and delegates to RunsService. */
@Injectable()
export class RunsGrpcController implements OnModuleInit {
  constructor(
    private readonly runs: RunsService,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const s = this.runs;
    this.grpc.addService(
      'keel.registry.v1.RunService',
      unaryHandlers(
        {
          CreateExperiment: async (req: CreateExperimentRequest__Output) =>
            experimentToProto(await s.createExperiment(req)),
          GetExperiment: async (req: GetExperimentRequest__Output) =>
            experimentToProto(await s.getExperiment(req.id, req.name)),
          ListExperiments: async (req: ListExperimentsRequest__Output) => {
            const { items, nextPageToken } = await s.listExperiments(req);
            return { experiments: items.map(experimentToProto), nextPageToken };
          },
          CreateRun: async (req: CreateRunRequest__Output) => runToProto(await s.createRun(req)),
          GetRun: async (req: GetRunRequest__Output) => runToProto(await s.getRun(req.runId)),
          UpdateRun: async (req: UpdateRunRequest__Output) => runToProto(await s.updateRun(req)),
          EndRun: async (req: EndRunRequest__Output) => runToProto(await s.endRun(req)),
          LogBatch: async (req: LogBatchRequest__Output) => ({ metricsLogged: await s.logBatch(req) }),
          GetMetricHistory: async (req: GetMetricHistoryRequest__Output) => {
            const { items, nextPageToken } = await s.metricHistory(req);
            return { metrics: items.map(metricToProto), nextPageToken };
          },
          SearchRuns: async (req: SearchRunsRequest__Output) => {
            const { items, nextPageToken } = await s.searchRuns(req);
            return { runs: items.map(runToProto), nextPageToken };
          },
          CompareRuns: async (req: CompareRunsRequest__Output) => comparisonToProto(await s.compareRuns(req)),
          LogArtifact: async (req: LogArtifactRequest__Output) => runArtifactToProto(await s.logArtifact(req)),
          ListRunArtifacts: async (req: ListRunArtifactsRequest__Output) => {
            const { items, nextPageToken } = await s.listArtifacts(req);
            return { artifacts: items.map(runArtifactToProto), nextPageToken };
          },
        },
        this.logger,
      ),
    );
  }
}
