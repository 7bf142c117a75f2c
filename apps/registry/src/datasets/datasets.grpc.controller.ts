import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { columnsFromProto, datasetToProto, snapshotToProto } from './datasets.mapper';
import { DatasetsService } from './datasets.service';

/** The scope each keel.registry.v1.DatasetService method needs (docs/security.md). */
export const DATASET_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.DatasetService']> = {
  CreateDataset: 'write',
  GetDataset: 'read',
  ListDatasets: 'read',
  RegisterSnapshot: 'write',
  GetSnapshot: 'read',
  ListSnapshots: 'read',
};

/** keel.registry.v1.DatasetService: translates messages to commands and delegates to DatasetsService. */
@Injectable()
export class DatasetsGrpcController implements OnModuleInit {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.DatasetService',
      {
        CreateDataset: async (req) =>
          datasetToProto(await this.datasets.createDataset({ ...req, columns: columnsFromProto(req.columns) })),
        GetDataset: async (req) => datasetToProto(await this.datasets.getDataset(req.name)),
        ListDatasets: async (req) => {
          const { items, nextPageToken } = await this.datasets.listDatasets(req);
          return { datasets: items.map(datasetToProto), nextPageToken };
        },
        RegisterSnapshot: async (req) => {
          const { dataset, snapshot } = await this.datasets.registerSnapshot({
            ...req,
            columns: columnsFromProto(req.columns),
          });
          return snapshotToProto(dataset, snapshot);
        },
        GetSnapshot: async (req) => {
          const { dataset, snapshot } = await this.datasets.getSnapshot(req.dataset, req.version, req.sha256);
          return snapshotToProto(dataset, snapshot);
        },
        ListSnapshots: async (req) => {
          const { dataset, items, nextPageToken } = await this.datasets.listSnapshots(req);
          return { snapshots: items.map((s) => snapshotToProto(dataset, s)), nextPageToken };
        },
      },
      DATASET_RPC_SCOPES,
    );
  }
}
