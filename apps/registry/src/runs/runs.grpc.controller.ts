import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { readRunSearch } from './run-search.request';
import { runStatus } from './run-status';
import { runInput } from './runs.errors';
import { comparisonToProto, experimentToProto, metricToProto, runArtifactToProto, runToProto } from './runs.mapper';
import { RunsService } from './runs.service';

/** The scope each keel.registry.v1.RunService method needs (docs/security.md). */
export const RUN_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.RunService']> = {
  CreateExperiment: 'write',
  GetExperiment: 'read',
  ListExperiments: 'read',
  CreateRun: 'write',
  GetRun: 'read',
  UpdateRun: 'write',
  EndRun: 'write',
  LogBatch: 'write',
  GetMetricHistory: 'read',
  SearchRuns: 'read',
  CompareRuns: 'read',
  LogArtifact: 'write',
  ListRunArtifacts: 'read',
};

/** keel.registry.v1.RunService: translates messages to commands and delegates to RunsService. */
@Injectable()
export class RunsGrpcController implements OnModuleInit {
  constructor(
    private readonly runs: RunsService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    const s = this.runs;
    this.grpc.addService(
      'keel.registry.v1.RunService',
      {
        CreateExperiment: async (req) => experimentToProto(await s.createExperiment(req)),
        GetExperiment: async (req) => experimentToProto(await s.getExperiment(req.id, req.name)),
        ListExperiments: async (req) => {
          const { items, nextPageToken } = await s.listExperiments(req);
          return { experiments: items.map(experimentToProto), nextPageToken };
        },
        CreateRun: async (req) => runToProto(await s.createRun(req)),
        GetRun: async (req) => runToProto(await s.getRun(req.runId)),
        UpdateRun: async (req) =>
          runToProto(
            await s.updateRun({
              ...req,
              status: req.status === 'RUN_STATUS_UNSPECIFIED' ? undefined : runStatus(req.status, 'status', runInput),
            }),
          ),
        EndRun: async (req) =>
          runToProto(await s.endRun({ ...req, status: runStatus(req.status, 'status', runInput) })),
        LogBatch: async (req) => ({ metricsLogged: await s.logBatch(req) }),
        GetMetricHistory: async (req) => {
          const { items, nextPageToken } = await s.metricHistory(req);
          return { metrics: items.map(metricToProto), nextPageToken };
        },
        SearchRuns: async (req) => {
          const { items, nextPageToken } = await s.searchRuns(readRunSearch(req, runInput));
          return { runs: items.map(runToProto), nextPageToken };
        },
        CompareRuns: async (req) => comparisonToProto(await s.compareRuns(req)),
        LogArtifact: async (req) => runArtifactToProto(await s.logArtifact(req)),
        ListRunArtifacts: async (req) => {
          const { items, nextPageToken } = await s.listArtifacts(req);
          return { artifacts: items.map(runArtifactToProto), nextPageToken };
        },
      },
      RUN_RPC_SCOPES,
    );
  }
}
