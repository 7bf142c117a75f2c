import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  CreateDatasetRequest__Output,
  GetDatasetRequest__Output,
  GetSnapshotRequest__Output,
  ListDatasetsRequest__Output,
  ListDatasetsResponse,
  ListSnapshotsRequest__Output,
  ListSnapshotsResponse,
  RegisterSnapshotRequest__Output,
} from '@keel/contracts';
import { GrpcServerHost, LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { unaryHandlers } from '../common/grpc-adapter';
import { datasetToProto, snapshotToProto } from './datasets.mapper';
import { DatasetsService } from './datasets.service';

/** keel.registry.v1.DatasetService: translates messages and delegates to DatasetsService. */
@Injectable()
export class DatasetsGrpcController implements OnModuleInit {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly grpc: GrpcServerHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.DatasetService',
      unaryHandlers(
        {
          CreateDataset: async (req: CreateDatasetRequest__Output) =>
            datasetToProto(await this.datasets.createDataset(req)),
          GetDataset: async (req: GetDatasetRequest__Output) =>
            datasetToProto(await this.datasets.getDataset(req.name)),
          ListDatasets: async (req: ListDatasetsRequest__Output): Promise<ListDatasetsResponse> => {
            const { items, nextPageToken } = await this.datasets.listDatasets(req);
            return { datasets: items.map(datasetToProto), nextPageToken };
          },
          RegisterSnapshot: async (req: RegisterSnapshotRequest__Output) => {
            const { dataset, snapshot } = await this.datasets.registerSnapshot(req);
            return snapshotToProto(dataset, snapshot);
          },
          GetSnapshot: async (req: GetSnapshotRequest__Output) => {
            const { dataset, snapshot } = await this.datasets.getSnapshot(req.dataset, req.version, req.sha256);
            return snapshotToProto(dataset, snapshot);
          },
          ListSnapshots: async (req: ListSnapshotsRequest__Output): Promise<ListSnapshotsResponse> => {
            const { dataset, items, nextPageToken } = await this.datasets.listSnapshots(req);
            return { snapshots: items.map((s) => snapshotToProto(dataset, s)), nextPageToken };
          },
        },
        this.logger,
      ),
    );
  }
}
