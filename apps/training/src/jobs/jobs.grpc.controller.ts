import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { algorithmFromProto, jobToProto, policyToProto, stateFromProto } from './jobs.mapper';
import { JobsService, parseParams, parseSearch } from './jobs.service';

/** The scope each keel.training.v1.TrainingService method needs (docs/security.md). */
export const TRAINING_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.training.v1.TrainingService']> = {
  SubmitJob: 'write',
  GetJob: 'read',
  ListJobs: 'read',
  CancelJob: 'write',
  WatchJob: 'read',
  SetTrainingPolicy: 'admin',
  GetTrainingPolicy: 'read',
};

/** keel.training.v1.TrainingService: translates messages and delegates to JobsService. */
@Injectable()
export class JobsGrpcController implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.training.v1.TrainingService',
      {
        SubmitJob: async (req) =>
          jobToProto(
            await this.jobs.submit({
              dataset: req.dataset,
              datasetVersion: req.datasetVersion,
              algorithm: algorithmFromProto(req.algorithm),
              params: parseParams(req.paramsJson),
              seed: req.seed,
              model: req.model,
              target: req.target,
              search: parseSearch(req.searchJson),
              trigger: 'manual',
            }),
          ),
        GetJob: async (req) => jobToProto(await this.jobs.get(req.id)),
        ListJobs: async (req) => {
          const { items, nextPageToken } = await this.jobs.list({
            page: req.page ?? {},
            dataset: req.dataset || undefined,
            model: req.model || undefined,
            state: stateFromProto(req.state),
          });
          return { jobs: items.map(jobToProto), nextPageToken };
        },
        CancelJob: async (req) => jobToProto(await this.jobs.cancel(req.id)),
        WatchJob: async (call) => {
          const ctrl = new AbortController();
          call.once('cancelled', () => ctrl.abort());
          for await (const job of this.jobs.watch(call.request.id, ctrl.signal)) {
            if (call.cancelled) break;
            call.write(jobToProto(job));
          }
          call.end();
        },
        SetTrainingPolicy: async (req) =>
          policyToProto(
            await this.jobs.setPolicy({
              dataset: req.dataset,
              model: req.model,
              algorithm: algorithmFromProto(req.algorithm),
              params: parseParams(req.paramsJson),
              seed: req.seed,
              target: req.target,
              enabled: req.enabled,
            }),
          ),
        GetTrainingPolicy: async (req) => policyToProto(await this.jobs.policy(req.dataset)),
      },
      TRAINING_RPC_SCOPES,
    );
  }
}
